/**
 * Shared plumbing of the optimizers: boundary checks and contiguous buffers.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { InvalidArgumentError, copy } from '@bkfac/linalg';
import { assertFinite, assertInteger } from '@bkfac/linalg/validate';
import type { Params } from '../model/params.js';
import { assertSameStructure } from '../model/params.js';
import type { StepContext } from './types.js';

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
