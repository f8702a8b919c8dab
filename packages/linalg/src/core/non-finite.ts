/**
 * Locating NaN and ±Infinity in a matrix with any strides, shared by the
 * input checks and the overflow check of results.
 * @module
 */
import type { Matrix } from './matrix.js';
import { reduceLines } from './strided.js';

/**
 * The first entry in row order that is NaN or ±Infinity, or `null`.
 * @internal
 */
export function firstNonFinite(a: Matrix): [number, number] | null {
  return reduceLines<[number, number] | null>(a, 'rows', firstNonFiniteInRow, null);
}

/** The state: `null` until a row holds a non-finite entry, then that entry's `[row, column]`. */
function firstNonFiniteInRow(
  found: [number, number] | null,
  d: Float64Array,
  start: number,
  step: number,
  length: number,
  row: number,
): [number, number] | null {
  if (found !== null) return found;
  // v·0 is ±0 for finite v and NaN for NaN and ±Infinity: one test per row, no branch per entry.
  let probe = 0;
  for (let j = 0, p = start; j < length; j++, p += step) probe += d[p]! * 0;
  if (probe === 0) return null;
  for (let j = 0, p = start; j < length; j++, p += step) if (d[p]! * 0 !== 0) return [row, j];
  return null;
}
