/**
 * Shared plumbing of the optimizers: boundary checks, contiguous buffers and
 * the pure wrapper around an in-place step.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import {
  InvalidArgumentError,
  assertFinite,
  assertInteger,
  assertNumber,
  copy,
} from '@bkfac/linalg';
import type { LearningRateScaling, LearningRateSchedule } from '@bkfac/kfactors';
import { learningRateAt } from '@bkfac/kfactors';
import { assertNoNaN, clonePlain } from '../checkpoint/plain.js';
import type { Params } from '../model/params.js';
import { assertSameStructure, zerosLike } from '../model/params.js';
import type { CurvatureNeeds, Optimizer, StepContext } from './types.js';

const NO_CURVATURE: CurvatureNeeds = { batch: false, statistics: false, skipGradients: [] };

/**
 * A schedule auto-scaled to the effective batch size (the reference's `auto_scale_forGPUs_and_BS`).
 * @category Optimizers
 */
export interface ScaledLearningRate {
  /** The schedule over 1-based epochs. */
  readonly schedule: LearningRateSchedule;
  /** Workers and per-worker batch size: the schedule runs at `e/s` and is multiplied by `√s`, `s = workers·batch/256`. */
  readonly scaling: LearningRateScaling;
}

/**
 * A learning rate: a constant, a schedule over epochs, or an auto-scaled
 * schedule.
 * @category Optimizers
 */
export type LearningRate = number | LearningRateSchedule | ScaledLearningRate;

/**
 * Validates a learning rate once, at construction.
 * @internal
 */
export function checkLearningRate(fn: string, lr: LearningRate): void {
  if (typeof lr === 'number') assertNumber(fn, 'options.learningRate', lr, 0);
  else if (lr === null || typeof lr !== 'object') {
    throw new InvalidArgumentError(
      fn,
      'options.learningRate',
      'a number, a schedule or { schedule, scaling }',
      lr,
    );
  } else learningRateFor(lr, 0);
}

/**
 * The learning rate in force during 0-based epoch `epoch` (schedules take the 1-based epoch).
 * @internal
 */
export function learningRateFor(lr: LearningRate, epoch: number): number {
  if (typeof lr === 'number') return lr;
  return 'schedule' in lr
    ? learningRateAt(lr.schedule, epoch + 1, lr.scaling)
    : learningRateAt(lr, epoch + 1);
}

/**
 * The entries of `m` in row-major order: a view when `m` is row-major
 * contiguous, else a copy (read-only use).
 * @internal
 */
export function rowMajorData(m: Matrix): Float64Array {
  const [r, c] = m.shape as [number, number];
  if (isRowMajor(m)) return m.data.subarray(m.offset, m.offset + r * c);
  return copy(m).data;
}

/**
 * A writable row-major view of `m`, which must be row-major contiguous.
 * @internal
 */
export function writableRowMajorData(fn: string, arg: string, m: Matrix): Float64Array {
  const [r, c] = m.shape as [number, number];
  if (!isRowMajor(m)) {
    throw new InvalidArgumentError(
      fn,
      arg,
      'row-major contiguous matrices (e.g. from zerosLike)',
      `strides [${m.stride.join(', ')}]`,
    );
  }
  return m.data.subarray(m.offset, m.offset + r * c);
}

function isRowMajor(m: Matrix): boolean {
  const [r, c] = m.shape as [number, number];
  return (m.stride[1] === 1 || c <= 1) && (m.stride[0] === c || r <= 1);
}

/**
 * Checks one step's inputs: same structure as `params` (gradients of `unread`
 * keys may be missing), finite gradients, a valid epoch. Returns the epoch.
 * @internal
 */
export function checkStep(
  fn: string,
  grads: Params,
  params: Params,
  updates: Params | null,
  context: StepContext | undefined,
  unread: readonly string[] = [],
): number {
  const read =
    unread.length === 0
      ? params
      : Object.fromEntries(Object.entries(params).filter(([k]) => !unread.includes(k)));
  assertSameStructure(fn, 'grads', read, grads);
  if (updates !== null) assertSameStructure(fn, 'updates', params, updates);
  for (const k of Object.keys(read)) assertFinite(fn, `grads.${k}`, grads[k]!);
  return assertInteger(fn, 'context.epoch', context?.epoch ?? 0, 0);
}

/**
 * An {@link Optimizer} from its name, `init`, in-place step and curvature predicate;
 * the pure `update` clones the state and runs the in-place step on the clone. `restore`
 * copies a checkpointed state, rejects NaN anywhere in it, then lets `restoreParts` validate
 * what only the optimizer knows.
 * @internal
 */
export function makeOptimizer<S>(
  name: string,
  init: (params: Params) => S,
  step: (
    grads: Params,
    state: S,
    params: Params,
    updates: Params,
    context: StepContext | undefined,
  ) => S,
  needsCurvature: (state: S, epoch: number) => CurvatureNeeds = () => NO_CURVATURE,
  restoreParts: (state: S, params: Params) => S = (state) => state,
): Optimizer<S> {
  return {
    name,
    init,
    restore(state, params) {
      const fn = `${name}.restore`;
      if (state === null || typeof state !== 'object') {
        throw new InvalidArgumentError(fn, 'state', `a state of optimizer '${name}'`, state);
      }
      const copy = clonePlain(state) as S;
      assertNoNaN(fn, 'state', copy);
      return restoreParts(copy, params);
    },
    update(grads, state, params, context) {
      const updates = zerosLike(params);
      const next = step(grads, clonePlain(state), params, updates, context);
      return [updates, next];
    },
    updateInPlace: step,
    needsCurvature,
  };
}
