/**
 * The per-step entry points: which statistics a step needs, and the update
 * that consumes them (EA updates, refreshes, Brand steps, rank adaptation).
 * @module
 */
import { InvalidArgumentError, ShapeError } from '@bkfac/linalg';
import { assertInteger, assertNumber } from '@bkfac/linalg/validate';
import type { Matrix } from '@bkfac/linalg';
import { advanceFactor, factorNeedsBatch, stepParams } from './refresh.js';
import type { StepParams } from './refresh.js';
import type { FactorState, LayerState } from './state.js';
import { assertLayerState } from './state-check.js';
import { assertMomentsRepresentable, checkBatch } from './statistics.js';
import { scheduleValue } from './schedule.js';
import { workspaceOf } from './workspace.js';
import type { Workspace } from './workspace.js';

/**
 * Position of the optimizer in training: the global step `t` (0, 1, 2, …,
 * never reset) and the 0-based epoch that selects per-epoch schedules.
 *
 * @example
 * ```ts
 * import { createLayerState, statisticsDue, type StepClock } from '@bkfac/kfactors';
 * const state = createLayerState({ strategy: 'kfac', periods: { update: 10 } }, { inputDim: 3, outputDim: 2, batchSize: 4 });
 * const clocks: StepClock[] = [{ step: 0, epoch: 0 }, { step: 5, epoch: 0 }];
 * console.log(clocks.map((clock) => statisticsDue(state, clock).inputs)); // [true, false]
 * ```
 * @category Layer state
 */
export interface StepClock {
  /** Global step `t ≥ 0`, strictly increasing between calls on the same state. */
  readonly step: number;
  /** 0-based epoch (may be fractional) at which schedules are read. */
  readonly epoch: number;
}

/**
 * One step's statistics of a fully connected layer.
 *
 * @example
 * ```ts
 * import type { LayerBatch } from '@bkfac/kfactors';
 * import { zeros } from '@bkfac/linalg';
 * const batch: LayerBatch = { inputs: zeros(8, 5), gradients: zeros(8, 3) };
 * console.log(batch.inputs?.shape); // [8, 5]
 * ```
 * @category Layer state
 */
export interface LayerBatch {
  /**
   * `X̃` (`n x d_A`): the layer inputs with the bias column of ones appended
   * (see {@link appendOnesColumn}); required when {@link StatisticsDue.inputs}.
   */
  readonly inputs?: Matrix | null;
  /**
   * `E` (`n x d_out`): gradients of the batch-**mean** loss with respect to
   * the pre-activations; required when {@link StatisticsDue.gradients}.
   */
  readonly gradients?: Matrix | null;
}

/**
 * Which statistics a step consumes, so the caller captures only those.
 *
 * @example
 * ```ts
 * import { createLayerState, statisticsDue } from '@bkfac/kfactors';
 * const state = createLayerState({ strategy: 'kfac' }, { inputDim: 5, outputDim: 3, batchSize: 8 });
 * console.log(statisticsDue(state, { step: 1, epoch: 0 })); // {"inputs":false,"gradients":false}
 * ```
 * @category Layer state
 */
export interface StatisticsDue {
  /** The inputs `X̃` are needed (for the `A` factor). */
  readonly inputs: boolean;
  /** The pre-activation gradients `E` are needed (for the `G` factor). */
  readonly gradients: boolean;
}

/**
 * Which statistics {@link updateLayer} will consume at a step: the `A`/`G`
 * factor needs its batch when its dense average updates (`t % T_updt = 0`)
 * or its Brand representation updates (`t % T_brand = 0`).
 *
 * @param state - the layer state
 * @param clock - step and epoch
 * @returns `{ inputs, gradients }`
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if the clock is invalid
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `state` is not a layer state from `createLayerState`/`restoreLayer` (wrong kinds, sizes or bookkeeping)
 * @example
 * ```ts
 * import { createLayerState, statisticsDue } from '@bkfac/kfactors';
 * const state = createLayerState({ strategy: 'rs-kfac', periods: { update: 10 } }, { inputDim: 5, outputDim: 3, batchSize: 8 });
 * console.log(statisticsDue(state, { step: 20, epoch: 1 }).inputs); // true
 * ```
 * @category Layer state
 */
export function statisticsDue(state: LayerState, clock: StepClock): StatisticsDue {
  const params = paramsAt('statisticsDue', state, clock);
  return {
    inputs: factorNeedsBatch(state.a, params),
    gradients: factorNeedsBatch(state.g, params),
  };
}

/**
 * Advances a layer's K-factors by one optimizer step, in place. Call it once
 * per step, before {@link precondition}, for every step (also when no
 * statistics are due: refreshes and schedules advance too). Per factor, in
 * this order: EA update when `t % T_updt = 0`
 * (zero-initialised, the B-R dense copy from step 0); for dense-tracked
 * factors a decomposition when `t % T_inv = 0`; for Brand-tracked factors,
 * when `t % T_brand = 0`, a Brand step, or (B-R, B-KFAC-c, `t % T_rsvd = 0`,
 * `t > T_inv`) an RSVD overwrite from the dense copy, then (B-KFAC-c,
 * `t % T_corr = 0`, not on overwrite steps) a correction; then adaptive-rank
 * adaptation. Every input is validated before anything changes, so a rejected
 * call leaves the state untouched. (A `ConvergenceError` of a decomposition,
 * not expected for valid input, propagates after the averages were updated;
 * the previous decomposition is kept.)
 *
 * @param state - the layer state (mutated)
 * @param clock - step (greater than the previous one) and epoch
 * @param batch - `X̃` (`n x d_A`) and/or `E` (`n x d_out`), as {@link statisticsDue} requires
 * @param options - optional `workspace` (see {@link Workspace}) so repeated calls allocate nothing
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if the clock is invalid or not after the last step, a due
 *   statistic is missing, or a statistic's second moments would overflow float64
 * @throws {@link @bkfac/linalg!ShapeError} if a batch has the wrong width, no rows, or the two batches differ in `n`
 * @throws {@link @bkfac/linalg!NonFiniteError} if a batch holds NaN or ±Infinity
 * @throws {@link @bkfac/linalg!ConvergenceError} if a decomposition does not converge
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `state` is not a layer state from `createLayerState`/`restoreLayer` (wrong kinds, sizes or bookkeeping)
 * @example
 * ```ts
 * import { createLayerState, updateLayer } from '@bkfac/kfactors';
 * import { fromRows } from '@bkfac/linalg';
 * const state = createLayerState({ strategy: 'kfac' }, { inputDim: 2, outputDim: 1, batchSize: 2 });
 * updateLayer(state, { step: 0, epoch: 0 }, {
 *   inputs: fromRows([[0.5, 1], [-1, 1]]),
 *   gradients: fromRows([[0.1], [-0.2]]),
 * });
 * console.log([state.a.updates, state.g.updates]); // [1, 1]
 * ```
 * @category Layer state
 */
export function updateLayer(
  state: LayerState,
  clock: StepClock,
  batch: LayerBatch,
  options: { readonly workspace?: Workspace } = {},
): void {
  const fn = 'updateLayer';
  const params = paramsAt(fn, state, clock);
  if (params.step <= state.lastStep) {
    throw new InvalidArgumentError(
      fn,
      'clock.step',
      `greater than the last step ${state.lastStep}`,
      params.step,
    );
  }
  if (typeof batch !== 'object' || batch === null) {
    throw new InvalidArgumentError(fn, 'batch', 'an object { inputs?, gradients? }', batch);
  }
  const inputs = checkedBatch(
    fn,
    'batch.inputs',
    batch.inputs,
    state.a,
    params,
    state.config.decay,
  );
  const gradients = checkedBatch(
    fn,
    'batch.gradients',
    batch.gradients,
    state.g,
    params,
    state.config.decay,
  );
  if (inputs !== null && gradients !== null && inputs.shape[0] !== gradients.shape[0]) {
    throw new ShapeError(
      fn,
      'batch.gradients',
      `[${inputs.shape[0]}, ${state.outputDim}] (as many rows as batch.inputs)`,
      `[${gradients.shape[0]}, ${gradients.shape[1]}]`,
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(fn, 'options', 'an object { workspace? }', options);
  }
  const workspace = workspaceOf(fn, 'options.workspace', options.workspace);
  advanceFactor(state.a, inputs, state.config, params, workspace);
  advanceFactor(state.g, gradients, state.config, params, workspace);
  state.lastStep = params.step;
  state.epoch = clock.epoch;
  state.damping = scheduleValue(state.config.damping, clock.epoch);
}

function paramsAt(fn: string, state: LayerState, clock: StepClock): StepParams {
  assertLayerState(fn, 'state', state);
  if (typeof clock !== 'object' || clock === null) {
    throw new InvalidArgumentError(fn, 'clock', 'an object { step, epoch }', clock);
  }
  const step = assertInteger(fn, 'clock.step', clock.step, 0);
  const epoch = assertNumber(fn, 'clock.epoch', clock.epoch, 0);
  return stepParams(state.config, step, epoch);
}

/** The validated batch of a factor, or `null` when absent and not needed. */
function checkedBatch(
  fn: string,
  arg: string,
  batch: Matrix | null | undefined,
  factor: FactorState,
  params: StepParams,
  decay: number,
): Matrix | null {
  const needed = factorNeedsBatch(factor, params);
  if (batch === undefined || batch === null) {
    if (!needed) return null;
    const what = factor.side === 'A' ? 'the layer inputs X̃' : 'the pre-activation gradients E';
    throw new InvalidArgumentError(
      fn,
      arg,
      `${what} (due at step ${params.step}, see statisticsDue)`,
      batch,
    );
  }
  const n = checkBatch(fn, arg, batch, factor.dim);
  assertMomentsRepresentable(fn, arg, factor.side, batch, n, decay);
  return batch;
}
