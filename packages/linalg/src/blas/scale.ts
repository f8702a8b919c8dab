/**
 * In-place scaling of a strided matrix, C ← beta·C.
 * @module
 */
import type { Matrix } from '../core/matrix.js';

/**
 * `C ← beta·C` for any strides; `beta === 0` overwrites with zeros (NaN does
 * not propagate), `beta === 1` leaves `C` untouched.
 * @internal
 */
export function scaleInPlaceUnchecked(beta: number, c: Matrix): void {
  if (beta === 1) return;
  const m = c.shape[0]!;
  const n = c.shape[1]!;
  const d = c.data;
  const [s0, s1] = c.stride as [number, number];
  // Unit-ish stride innermost.
  const outer = Math.abs(s0) >= Math.abs(s1);
  const no = outer ? m : n;
  const ni = outer ? n : m;
  const so = outer ? s0 : s1;
  const si = outer ? s1 : s0;
  for (let u = 0; u < no; u++) {
    let q = c.offset + u * so;
    if (beta === 0) for (let v = 0; v < ni; v++, q += si) d[q] = 0;
    else for (let v = 0; v < ni; v++, q += si) d[q]! *= beta;
  }
}
