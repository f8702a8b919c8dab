/**
 * Locating NaN and ±Infinity in a matrix with any strides, shared by the
 * input checks and the overflow check of results.
 * @module
 */
import type { Matrix } from './matrix.js';

/**
 * The first entry in row order that is NaN or ±Infinity, or `null`.
 * @internal
 */
export function firstNonFinite(a: Matrix): [number, number] | null {
  const [m, n] = a.shape as [number, number];
  const [s0, s1] = a.stride as [number, number];
  const d = a.data;
  const o = a.offset;
  for (let i = 0; i < m; i++) {
    // v·0 is ±0 for finite v and NaN for NaN and ±Infinity: one test per row, no branch per entry.
    let probe = 0;
    for (let j = 0, p = o + i * s0; j < n; j++, p += s1) probe += d[p]! * 0;
    if (probe === 0) continue;
    for (let j = 0, p = o + i * s0; j < n; j++, p += s1) if (d[p]! * 0 !== 0) return [i, j];
  }
  return null;
}
