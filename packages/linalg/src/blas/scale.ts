/**
 * In-place scaling of a strided matrix, C ← beta·C.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { reduceLines } from '../core/strided.js';

/**
 * `C ← beta·C` for any strides; `beta === 0` overwrites with zeros (NaN does
 * not propagate), `beta === 1` leaves `C` untouched.
 * @internal
 */
export function scaleInPlaceUnchecked(beta: number, c: Matrix): void {
  if (beta === 1) return;
  reduceLines(c, 'storage', scaleLine, beta);
}

/** `line ← beta·line`, `beta` the traversal's state (`0` overwrites). */
function scaleLine(
  beta: number,
  d: Float64Array,
  start: number,
  step: number,
  length: number,
): number {
  if (beta === 0) for (let t = 0, q = start; t < length; t++, q += step) d[q] = 0;
  else for (let t = 0, q = start; t < length; t++, q += step) d[q]! *= beta;
  return beta;
}
