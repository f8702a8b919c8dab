/**
 * Per-layer RMS clipping of the preconditioned update.
 * @module
 */
import { assertFinite, assertMatrix, assertNumber } from '@bkfac/linalg/validate';
import type { Matrix } from '@bkfac/linalg';

/**
 * Root mean square of a matrix, `RMS(V) = ‖V‖_F / √(rows·cols)` (0 for an empty matrix).
 *
 * @param v - any matrix (any strides)
 * @returns the RMS of its entries
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `v` is not a float64 matrix
 * @throws {@link @bkfac/linalg!ShapeError} if `v` is not 2-D
 * @throws {@link @bkfac/linalg!NonFiniteError} if `v` holds NaN or ±Infinity
 * @example
 * ```ts
 * import { rootMeanSquare } from '@bkfac/kfactors';
 * import { fromRows } from '@bkfac/linalg';
 * console.log(rootMeanSquare(fromRows([[3, -4], [0, 0]]))); // 2.5
 * ```
 * @category Preconditioning
 */
export function rootMeanSquare(v: Matrix): number {
  const [m, n] = assertMatrix('rootMeanSquare', 'v', v);
  assertFinite('rootMeanSquare', 'v', v);
  return m * n === 0 ? 0 : rmsOf(v, m * n);
}

/**
 * The clipping factor `ν = min(1, κ / RMS)` (`ν = 1` when `RMS = 0`), so that
 * `RMS(ν·V) ≤ κ` and `V` is unchanged when already small enough.
 *
 * @param rms - root mean square of the update, `≥ 0`
 * @param kappa - clip threshold `κ > 0` (the reference uses 0.07)
 * @returns `ν ∈ (0, 1]`
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `rms < 0` or `kappa ≤ 0` (or either is not finite)
 * @example
 * ```ts
 * import { clipScale } from '@bkfac/kfactors';
 * console.log([clipScale(0.14, 0.07), clipScale(0.01, 0.07)]); // [0.5, 1]
 * ```
 * @category Preconditioning
 */
export function clipScale(rms: number, kappa: number): number {
  assertNumber('clipScale', 'rms', rms, 0);
  assertNumber('clipScale', 'kappa', kappa, Number.MIN_VALUE);
  return rms > kappa ? kappa / rms : 1;
}

/**
 * `Σ v_ij² = scale²·sum`, formed on `v / scale` with `scale = max |v_ij|`, so it
 * neither overflows nor underflows however large or small the entries are
 * (`scale` is not finite when an entry is not). Any strides.
 * @internal
 */
export function scaledSumOfSquares(v: Matrix): { scale: number; sum: number } {
  const [m, n] = v.shape as [number, number];
  const [s0, s1] = v.stride as [number, number];
  const d = v.data;
  let scale = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0, p = v.offset + i * s0; j < n; j++, p += s1) {
      const x = Math.abs(d[p]!);
      if (x > scale || x !== x) scale = x; // a NaN, once seen, stays
    }
  }
  if (scale === 0 || !Number.isFinite(scale)) return { scale, sum: scale === 0 ? 0 : NaN };
  // 1/scale overflows for a subnormal scale; then divide (slower, and only then).
  const inverse = 1 / scale;
  const divide = inverse === Infinity;
  let sum = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0, p = v.offset + i * s0; j < n; j++, p += s1) {
      const x = divide ? d[p]! / scale : d[p]! * inverse;
      sum += x * x;
    }
  }
  return { scale, sum };
}

/**
 * `RMS = ‖V‖_F / √count` from {@link scaledSumOfSquares}, without overflow.
 * @category Preconditioning
 */
export function rmsOf(v: Matrix, count: number): number {
  const { scale, sum } = scaledSumOfSquares(v);
  return scale === 0 ? 0 : scale * Math.sqrt(sum / count);
}
