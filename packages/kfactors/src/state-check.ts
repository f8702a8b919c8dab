/**
 * The structural check every function taking a {@link LayerState} makes at
 * its boundary: the right kinds, sizes and bookkeeping, in O(1) per field
 * (buffer contents are checked where they are read, and in full by
 * `restoreLayer`). A hand-built or corrupted state is a typed error naming the
 * function called, not a TypeError from deep inside.
 * @module
 */
import { InvalidArgumentError } from '@bkfac/linalg';
import { assertResolvedConfig } from './config.js';
import type { FactorSide } from './statistics.js';
import type { FactorState, LayerState } from './state.js';

/**
 * Asserts that `state` is shaped like a {@link LayerState} from `createLayerState` or `restoreLayer`.
 * @internal
 */
export function assertLayerState(
  fn: string,
  arg: string,
  state: unknown,
): asserts state is LayerState {
  const s = objectAt(fn, arg, state, 'a layer state from createLayerState or restoreLayer');
  assertResolvedConfig(fn, `${arg}.config`, s['config']);
  const inputDim = integerAt(fn, `${arg}.inputDim`, s['inputDim'], 1);
  const outputDim = integerAt(fn, `${arg}.outputDim`, s['outputDim'], 1);
  integerAt(fn, `${arg}.batchSize`, s['batchSize'], 1);
  integerAt(fn, `${arg}.lastStep`, s['lastStep'], -1);
  finiteAt(fn, `${arg}.epoch`, s['epoch']);
  finiteAt(fn, `${arg}.damping`, s['damping']);
  assertFactorState(fn, `${arg}.a`, s['a'], 'A', inputDim);
  assertFactorState(fn, `${arg}.g`, s['g'], 'G', outputDim);
}

function assertFactorState(
  fn: string,
  arg: string,
  factor: unknown,
  side: FactorSide,
  dim: number,
): asserts factor is FactorState {
  const f = objectAt(fn, arg, factor, `factor state '${side}'`);
  if (f['side'] !== side || f['dim'] !== dim) {
    throw new InvalidArgumentError(
      fn,
      `${arg}.side/dim`,
      `'${side}' of size ${dim}`,
      `${String(f['side'])} ${String(f['dim'])}`,
    );
  }
  if (f['tracking'] !== 'dense' && f['tracking'] !== 'brand') {
    throw new InvalidArgumentError(fn, `${arg}.tracking`, "'dense' or 'brand'", f['tracking']);
  }
  const updates = integerAt(fn, `${arg}.updates`, f['updates'], 0);
  integerAt(fn, `${arg}.averageUpdates`, f['averageUpdates'], 0);
  integerAt(fn, `${arg}.refreshedAt`, f['refreshedAt'], -1, updates);
  integerAt(fn, `${arg}.rank`, f['rank'], 1, dim);
  integerAt(fn, `${arg}.scheduledRank`, f['scheduledRank'], 1);
  const values = f['values'];
  if (!(values instanceof Float64Array) || values.length > dim) {
    throw new InvalidArgumentError(
      fn,
      `${arg}.values`,
      `a Float64Array of at most ${dim} eigenvalues`,
      values,
    );
  }
  const bad = values.findIndex((v) => !(v >= 0 && v < Infinity));
  if (bad >= 0) {
    throw new InvalidArgumentError(fn, `${arg}.values`, 'finite eigenvalues >= 0', values[bad]);
  }
  bufferAt(fn, `${arg}.vectors`, f['vectors'], dim * values.length);
  if (f['average'] !== null) bufferAt(fn, `${arg}.average`, f['average'], dim * dim);
  else if (f['tracking'] === 'dense') {
    throw new InvalidArgumentError(
      fn,
      `${arg}.average`,
      'a dense average for a dense-tracked factor',
      null,
    );
  }
  if (!Array.isArray(f['ratios']))
    throw new InvalidArgumentError(fn, `${arg}.ratios`, 'an array', f['ratios']);
  objectAt(fn, `${arg}.rng`, f['rng'], 'a generator state');
}

function objectAt(
  fn: string,
  arg: string,
  value: unknown,
  expected: string,
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null)
    throw new InvalidArgumentError(fn, arg, expected, value);
  return value as Record<string, unknown>;
}

function integerAt(
  fn: string,
  arg: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new InvalidArgumentError(fn, arg, `an integer in [${min}, ${max}]`, value);
  }
  return value as number;
}

function finiteAt(fn: string, arg: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(fn, arg, 'a finite number >= 0', value);
  }
}

function bufferAt(fn: string, arg: string, value: unknown, length: number): void {
  if (!(value instanceof Float64Array) || value.length !== length) {
    throw new InvalidArgumentError(
      fn,
      arg,
      `a Float64Array of length ${length}`,
      value instanceof Float64Array ? `length ${value.length}` : value,
    );
  }
}

/**
 * Entries of orthonormal columns lie in [-1, 1]; a NaN or a corrupted entry
 * outside it (which would also overflow products with the basis) is refused.
 * @internal
 */
export function assertUnitEntries(fn: string, arg: string, vectors: Float64Array): void {
  const outside = vectors.findIndex((x) => !(Math.abs(x) <= 1 + 1e-6));
  if (outside >= 0) {
    throw new InvalidArgumentError(
      fn,
      arg,
      'orthonormal columns (entries in [-1, 1])',
      vectors[outside],
    );
  }
}
