/**
 * Exact power-of-two scaling of decomposition inputs.
 * @module
 */
import { NonFiniteError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { reduceLinePairs } from '../core/strided.js';
import { columnMajor } from './householder.js';

/** Largest entries in [2^-LIMIT, 2^LIMIT] need no scaling: their squares cannot overflow or underflow. */
const LIMIT = 400;

/**
 * The exponent `s` such that `2^s·largest` lies in [1, 2), or 0 when
 * `largest` is 0 or already in [2^-400, 2^400]. Multiplying a matrix by
 * `2^s` is exact (barring underflow of entries below `2^-1022·largest`,
 * which are negligible) and keeps the squares formed by the eigen- and
 * singular value solvers far from overflow and underflow.
 * @internal
 */
export function powerOfTwoScaling(largest: number): number {
  if (largest === 0 || (largest >= 2 ** -LIMIT && largest <= 2 ** LIMIT)) return 0;
  return Math.max(-1000, Math.min(1000, -Math.floor(Math.log2(largest))));
}

/**
 * Undoes the scaling `2^exponent` on `values[0..count)` (eigen- or singular
 * values). A value beyond float64 after unscaling is an error, not ±Infinity.
 * @throws {@link NonFiniteError} naming `fn` if a value overflows
 * @internal
 */
export function unscaleValues(
  fn: string,
  what: string,
  values: Float64Array,
  count: number,
  exponent: number,
): void {
  if (exponent === 0) return;
  const unscale = 2 ** -exponent;
  for (let i = 0; i < count; i++) {
    const v = values[i]! * unscale;
    if (v - v !== 0) {
      throw new NonFiniteError(fn, 'result', `${what} ${i}: it overflows float64`, v);
    }
    values[i] = v;
  }
}

/**
 * Writes `2^s·A` column-major into `out` (leading dimension `m`), with `s`
 * from {@link powerOfTwoScaling} (exact; keeps squares far from overflow and
 * underflow). Returns `s`.
 * @internal
 */
export function copyScaled(a: Matrix, out: Float64Array): number {
  const m = a.shape[0]!;
  const n = a.shape[1]!;
  const largest = reduceLinePairs(columnMajor(out, m, n, 0), a, copyWithLargest, 0);
  const exponent = powerOfTwoScaling(largest);
  if (exponent === 0) return 0;
  const factor = 2 ** exponent;
  for (let i = 0; i < m * n; i++) out[i]! *= factor;
  return exponent;
}

/** Copies a line and returns the largest magnitude seen so far. */
function copyWithLargest(
  largest: number,
  dd: Float64Array,
  p: number,
  dStep: number,
  sd: Float64Array,
  q: number,
  sStep: number,
  length: number,
): number {
  for (let t = 0; t < length; t++, p += dStep, q += sStep) {
    const x = sd[q]!;
    dd[p] = x;
    largest = Math.max(largest, Math.abs(x));
  }
  return largest;
}
