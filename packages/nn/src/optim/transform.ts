/**
 * Optimizers as composable transforms (the optax shape): each transform maps
 * an update direction in place and owns an explicit, plain-data state; a
 * {@link chain} of them is an {@link Optimizer}.
 * @module
 */
import { InvalidArgumentError } from '@bkfac/linalg';
import { assertNoNaN, clonePlain } from '../checkpoint/plain.js';
import type { Curvature } from '../model/sequential.js';
import type { Params } from '../model/params.js';
import { zerosLike } from '../model/params.js';
import { checkStep, rowMajorData, writableRowMajorData } from './base.js';
import type { CurvatureNeeds, Optimizer, StepContext } from './types.js';

/**
 * What a transform sees of the step besides the direction and the parameters.
 * @category Transforms
 */
export interface TransformContext {
  /** 0-based epoch (drives schedules). */
  readonly epoch: number;
  /** The raw gradients (keys a transform replaces without reading may be absent). */
  readonly grads: Params;
  /** K-factor statistics of the batch, when the step captured them. */
  readonly curvature: Curvature | null;
}

/**
 * One stage of an optimizer. `apply` receives the direction `u` as row-major
 * contiguous matrices shaped like the parameters (a chain starts it as the
 * gradient), rewrites it in place and advances its state in place; the hot
 * path allocates nothing. State is plain data (numbers, arrays, typed arrays),
 * complete after `init`.
 *
 * @typeParam S - state type
 * @category Transforms
 */
export interface GradientTransform<S = unknown> {
  /** Initial state for parameters `θ`. */
  init(params: Params): S;
  /**
   * Maps the direction in place.
   * @param updates - the direction, rewritten
   * @param state - this transform's state, advanced in place
   * @param params - current parameters `θ`
   * @param context - epoch, raw gradients, curvature
   * @returns `state`
   */
  apply(updates: Params, state: S, params: Params, context: TransformContext): S;
  /**
   * Validates a state read back from a checkpoint (already copied, NaN-free).
   * @param state - the candidate state
   * @param params - the parameters it belongs to
   * @param fn - the function the user called, for messages
   * @param arg - the state's path, for messages
   * @returns the state to use
   */
  restore(state: S, params: Params, fn: string, arg: string): S;
  /** What the next step needs from the backward pass (default: nothing). */
  needsCurvature?(state: S, epoch: number): CurvatureNeeds;
}

/**
 * State of a {@link chain}: each transform's state under its name.
 * @category Transforms
 */
export type ChainState = Record<string, unknown>;

const NO_CURVATURE: CurvatureNeeds = { batch: false, statistics: false, skipGradients: [] };

/**
 * An {@link Optimizer} that runs named transforms in order, starting from the
 * gradient: `u ← ∇θ`, then `u ← T_k(u)` for each transform, and `θ ← θ + u`
 * is left to {@link applyUpdates}. Gradients that a transform replaces without
 * reading (named in its `needsCurvature().skipGradients`) are not copied.
 *
 * @param name - the optimizer's name (e.g. `'sgd'`)
 * @param transforms - the stages, by state key, in order of application
 * @returns the optimizer; its state is `{ [key]: state of that transform }`
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `name` is empty or a stage is not a transform
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { addWeightDecay, chain, heavyBall, scaleByLearningRate } from '@bkfac/nn';
 * const opt = chain('my-sgd', {
 *   weightDecay: addWeightDecay({ weightDecay: 0.5 }),
 *   momentum: heavyBall({ momentum: 0.9 }),
 *   learningRate: scaleByLearningRate(0.1),
 * });
 * const p = { w: fromRows([[2]]) };
 * const [u] = opt.update({ w: fromRows([[1]]) }, opt.init(p), p);
 * console.log(u.w.get(0, 0)); // -0.2
 * ```
 * @category Transforms
 */
export function chain(
  name: string,
  transforms: Readonly<Record<string, GradientTransform<unknown>>>,
): Optimizer<ChainState> {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError('chain', 'name', 'a non-empty string', name);
  }
  if (typeof transforms !== 'object' || transforms === null) {
    throw new InvalidArgumentError('chain', 'transforms', 'an object of transforms', transforms);
  }
  const stages = Object.entries(transforms) as [string, GradientTransform][];
  for (const [key, t] of stages) {
    if (typeof t?.init !== 'function' || typeof t.apply !== 'function') {
      throw new InvalidArgumentError('chain', `transforms.${key}`, 'a GradientTransform', t);
    }
  }
  const fn = `${name}.update`;
  const needsCurvature = (state: ChainState, epoch: number): CurvatureNeeds => {
    let needs = NO_CURVATURE;
    for (const [key, t] of stages) {
      const n = t.needsCurvature?.(state[key], epoch);
      if (n === undefined) continue;
      needs = {
        batch: needs.batch || n.batch,
        statistics: needs.statistics || n.statistics,
        skipGradients: [...needs.skipGradients, ...n.skipGradients],
      };
    }
    return needs;
  };
  const updateInPlace = (
    grads: Params,
    state: ChainState,
    params: Params,
    updates: Params,
    context?: StepContext,
  ): ChainState => {
    const { skipGradients } = needsCurvature(state, context?.epoch ?? 0);
    const epoch = checkStep(fn, grads, params, updates, context, skipGradients);
    for (const key of Object.keys(params)) {
      const u = writableRowMajorData(fn, `updates.${key}`, updates[key]!);
      if (!skipGradients.includes(key)) u.set(rowMajorData(grads[key]!));
    }
    const ctx: TransformContext = { epoch, grads, curvature: context?.curvature ?? null };
    for (const [key, t] of stages) state[key] = t.apply(updates, state[key], params, ctx);
    return state;
  };
  return {
    name,
    init: (params) => Object.fromEntries(stages.map(([key, t]) => [key, t.init(params)])),
    restore(state, params) {
      const rfn = `${name}.restore`;
      if (state === null || typeof state !== 'object') {
        throw new InvalidArgumentError(rfn, 'state', `a state of optimizer '${name}'`, state);
      }
      const copy = clonePlain(state) as ChainState;
      assertNoNaN(rfn, 'state', copy);
      for (const [key, t] of stages) {
        if (!(key in copy)) {
          throw new InvalidArgumentError(rfn, `state.${key}`, `the state of '${key}'`, undefined);
        }
        copy[key] = t.restore(copy[key] as never, params, rfn, `state.${key}`);
      }
      return copy;
    },
    update(grads, state, params, context) {
      const updates = zerosLike(params);
      const next = updateInPlace(grads, clonePlain(state), params, updates, context);
      return [updates, next];
    },
    updateInPlace,
    needsCurvature,
  };
}
