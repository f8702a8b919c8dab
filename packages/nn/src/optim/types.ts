/**
 * The optimizer protocol: pure `init`/`update` pairs (optax style) with an
 * in-place variant for allocation-free training loops.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import type { Curvature } from '../model/sequential.js';
import type { Params } from '../model/params.js';

/**
 * Per-step information an optimizer may use besides gradients and parameters.
 * @category Optimizers
 */
export interface StepContext {
  /** 0-based epoch; drives learning-rate and damping schedules (default `0`). */
  readonly epoch?: number;
  /** K-factor statistics of this step's batch (needed by the K-FAC family on due steps). */
  readonly curvature?: Curvature | null;
}

/**
 * An optimizer: `init(θ) → s`, then each step `update(g, s, θ) → [u, s']` with
 * additive updates (`θ ← θ + u`, see {@link applyUpdates}). State `s` is plain
 * data (numbers, arrays, typed arrays): it deep-copies and
 * serialises into checkpoints.
 *
 * @typeParam S - state type
 * @category Optimizers
 */
export interface Optimizer<S = unknown> {
  /** Short name, e.g. `'sgd'` or `'b-kfac'`. */
  readonly name: string;
  /**
   * Initial state for parameters `θ`.
   * @param params - parameters
   * @returns fresh state
   */
  init(params: Params): S;
  /**
   * Validates a state read back from a checkpoint and returns a copy the optimizer owns, so a
   * corrupt checkpoint is an error rather than a run.
   * @param state - a state of this optimizer after a save/load round trip
   * @param params - the parameters the state belongs to
   * @returns a fresh, validated state
   * @throws {@link @bkfac/linalg!InvalidArgumentError} if the state is malformed
   * @throws {@link @bkfac/linalg!NonFiniteError} if it holds NaN
   */
  restore(state: unknown, params: Params): S;
  /**
   * One step, pure: neither `state` nor any input is modified.
   * @param grads - gradients, same keys and shapes as `params` (keys listed in
   *   {@link CurvatureNeeds.skipGradients} may be omitted)
   * @param state - current state
   * @param params - current parameters `θ`
   * @param context - epoch and curvature statistics
   * @returns fresh updates `u` and the next state
   */
  update(
    grads: Params,
    state: S,
    params: Params,
    context?: StepContext,
  ): [Record<string, Matrix>, S];
  /**
   * One step that advances `state` in place and writes the updates into `updates`.
   * @param grads - gradients
   * @param state - current state, advanced in place
   * @param params - current parameters `θ`
   * @param updates - output, row-major contiguous matrices shaped like `params`
   * @param context - epoch and curvature statistics
   * @returns `state`
   */
  updateInPlace(grads: Params, state: S, params: Params, updates: Params, context?: StepContext): S;
  /**
   * What the next step needs from the backward pass, so the training loop
   * captures `X̃`/`E` only when used and runs the true Fisher's extra backward
   * only on steps where K-factors update.
   * @param state - current state
   * @param epoch - 0-based epoch of the next step
   * @returns which curvature data the step consumes
   */
  needsCurvature(state: S, epoch: number): CurvatureNeeds;
}

/**
 * What an optimizer step consumes from the backward pass (see {@link Optimizer.needsCurvature}).
 * @category Optimizers
 */
export interface CurvatureNeeds {
  /** `X̃` and the loss gradient `E` of every Linear layer (e.g. for factored preconditioning). */
  readonly batch: boolean;
  /** K-factor statistics are due: with the true Fisher, the sampled-label `E` is needed too. */
  readonly statistics: boolean;
  /** Parameter keys whose dense gradient the step does not read (so backward may skip computing it). */
  readonly skipGradients: readonly string[];
}
