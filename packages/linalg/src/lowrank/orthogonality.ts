/**
 * Orthonormality of a basis: measuring its loss, checking it at a public
 * boundary, and restoring it after a long stream of updates.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { zeros } from '../core/matrix.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { assertFinite, assertMatrix, assertNumber } from '../core/validate.js';
import { syrkUnchecked } from '../blas/syrk.js';
import { gemvUnchecked } from '../blas/gemv.js';
import { createRng } from '../random/rng.js';
import { orthonormalizeColumns } from '../dense/qr.js';
import { powerOfTwoScaling } from '../dense/scaling.js';
import { frobeniusNorm, maxAbs, representableNorm, scale } from '../core/ops.js';
import type { OrthonormalityCheck } from './types.js';

/** Default tolerance of the boundary orthonormality check. */
const DEFAULT_ORTHONORMALITY_TOLERANCE = 1e-8;

/** Fixed seed of the probe vector, so the boundary check is deterministic. */
const PROBE_SEED = 0x0b5e55ed;

/**
 * Orthogonality loss `‖VᵀV − I‖_F` of a basis (Frobenius norm, an upper bound
 * of the spectral norm `‖VᵀV − I‖₂`).
 *
 * @param vectors - `d x r` matrix (any strides)
 * @returns the Frobenius norm of `VᵀV − I_r` (0 for `r = 0`)
 * @throws {@link ShapeError} if `vectors` is not 2-D
 * @throws {@link InvalidArgumentError} if `vectors` is not a float64 matrix
 * @throws {@link NonFiniteError} if `vectors` holds NaN or ±Infinity
 * @example
 * ```ts
 * import { eye, orthogonalityLoss } from '@bkfac/linalg';
 * console.log(orthogonalityLoss(eye(3))); // 0
 * ```
 * @category Low-rank and online decompositions
 */
export function orthogonalityLoss(vectors: Matrix): number {
  assertMatrix('orthogonalityLoss', 'vectors', vectors);
  assertFinite('orthogonalityLoss', 'vectors', vectors);
  return orthogonalityLossUnchecked(vectors);
}

/**
 * A basis with exactly orthonormal columns spanning the same nested
 * subspaces as `V`: column `j` of the result is the normalised component of
 * `v_j` orthogonal to `v_1 … v_{j−1}` (Householder QR, signs chosen so that
 * `q_jᵀv_j ≥ 0`). A nearly orthonormal `V` moves by `O(‖VᵀV − I‖)`, leading
 * columns (largest eigenvalues, in bkfac's descending order) least.
 *
 * @param vectors - `d x r` matrix, `r ≤ d` (any strides); not modified
 * @returns a fresh `d x r` matrix `Q` with `QᵀQ = I` to rounding
 * @throws {@link ShapeError} if `vectors` is not 2-D or has more columns than rows
 * @throws {@link InvalidArgumentError} if `vectors` is not a float64 matrix
 * @throws {@link NonFiniteError} if `vectors` holds NaN or ±Infinity
 * @example
 * ```ts
 * import { fromRows, orthogonalityLoss, reorthonormalize } from '@bkfac/linalg';
 * const drifted = fromRows([[1, 1e-6], [0, 1], [0, 0]]);
 * console.log(orthogonalityLoss(reorthonormalize(drifted)) < 1e-15); // true
 * ```
 * @category Low-rank and online decompositions
 */
export function reorthonormalize(vectors: Matrix): Matrix {
  const [d, r] = assertMatrix('reorthonormalize', 'vectors', vectors);
  if (r > d) {
    throw new ShapeError('reorthonormalize', 'vectors', '[d, r] with r <= d', `[${d}, ${r}]`);
  }
  assertFinite('reorthonormalize', 'vectors', vectors);
  const q = orthonormalizeColumns(vectors);
  alignSigns(q, vectors);
  return q;
}

/**
 * `‖VᵀV − I‖_F` without validation. Entries beyond 2^400 are scaled by an
 * exact power of two `2^s` first, so the Gram matrix cannot overflow:
 * `‖VᵀV − I‖ = 2^(−2s)·‖(2^s V)ᵀ(2^s V) − 2^(2s) I‖`.
 * @throws {@link NonFiniteError} naming `fn` if the loss itself lies beyond float64
 * @internal
 */
export function orthogonalityLossUnchecked(v: Matrix, fn = 'orthogonalityLoss'): number {
  const r = v.shape[1]!;
  if (r === 0) return 0;
  const largest = maxAbs(v);
  const exponent = largest > 2 ** 400 ? powerOfTwoScaling(largest) : 0;
  const basis = exponent === 0 ? v : scale(v, 2 ** exponent);
  const g = zeros(r, r);
  syrkUnchecked(true, 1, basis, 0, g);
  // 2^(2s) underflows to 0 for the largest inputs, where the identity is negligible anyway.
  const identity = 2 ** (2 * exponent);
  const gd = g.data;
  for (let i = 0; i < r; i++) gd[i * r + i]! -= identity;
  // 2^(−2s) may itself overflow: apply 2^(−s) twice.
  return representableNorm(fn, 'the loss', 2 ** -exponent * frobeniusNorm(g), 2 ** -exponent);
}

/**
 * Options of every function that takes an orthonormal basis: how the basis
 * is checked at the boundary (a basis that is not orthonormal would make the
 * result silently wrong). Long update streams keep their loss far below the
 * default tolerance (~3e-12 after 5,000 Brand updates in the benchmark); call
 * {@link reorthonormalize} if a basis from elsewhere fails the check.
 * @category Low-rank and online decompositions
 */
export interface OrthonormalityOptions {
  /** How the basis is checked (default `'probe'`, see {@link OrthonormalityCheck}). */
  orthonormalityCheck?: OrthonormalityCheck;
  /** Largest accepted loss of the check (default `1e-8`). */
  orthonormalityTolerance?: number;
}

/**
 * Validates the orthonormality options and checks `v` accordingly, throwing
 * an {@link InvalidArgumentError} naming `arg` when the loss exceeds the tolerance.
 * @internal
 */
export function assertOrthonormal(
  fn: string,
  arg: string,
  v: Matrix,
  options: OrthonormalityOptions,
): void {
  const mode = options.orthonormalityCheck ?? 'probe';
  if (mode !== 'probe' && mode !== 'full' && mode !== 'off') {
    throw new InvalidArgumentError(
      fn,
      'options.orthonormalityCheck',
      "'probe', 'full' or 'off'",
      mode,
    );
  }
  const tol = assertNumber(
    fn,
    'options.orthonormalityTolerance',
    options.orthonormalityTolerance ?? DEFAULT_ORTHONORMALITY_TOLERANCE,
    0,
  );
  if (mode === 'off' || v.shape[1] === 0) return;
  const loss = mode === 'full' ? orthogonalityLossUnchecked(v, fn) : probeLoss(v);
  if (!(loss <= tol)) {
    const norm = mode === 'full' ? '‖VᵀV − I‖_F' : '‖(VᵀV − I)x‖/‖x‖ (probe)';
    throw new InvalidArgumentError(
      fn,
      arg,
      `a matrix with orthonormal columns (${norm} <= ${tol})`,
      `a basis with ${norm} = ${loss.toExponential(3)}`,
    );
  }
}

/** `‖VᵀV·x − x‖/‖x‖` for a fixed pseudo-random Gaussian `x`: `O(d·r)`. */
function probeLoss(v: Matrix): number {
  const [d, r] = v.shape as [number, number];
  const rng = createRng(PROBE_SEED);
  const x = new Float64Array(r);
  for (let j = 0; j < r; j++) x[j] = rng.normal();
  const y = new Float64Array(d);
  const z = new Float64Array(r);
  gemvUnchecked(false, 1, v, x, 0, y);
  gemvUnchecked(true, 1, v, y, 0, z);
  let num = 0;
  let den = 0;
  for (let j = 0; j < r; j++) {
    num += (z[j]! - x[j]!) ** 2;
    den += x[j]! ** 2;
  }
  return Math.sqrt(num / den);
}

/**
 * Flips columns of `q` in place so that `q_jᵀv_j ≥ 0`; the products are
 * taken with `v` scaled by an exact power of two so the sums cannot overflow.
 */
function alignSigns(q: Matrix, v: Matrix): void {
  const factor = 2 ** powerOfTwoScaling(maxAbs(v));
  const [d, r] = q.shape as [number, number];
  const [q0, q1] = q.stride as [number, number];
  const [v0, v1] = v.stride as [number, number];
  const qd = q.data;
  const vd = v.data;
  for (let j = 0; j < r; j++) {
    let s = 0;
    let pq = q.offset + j * q1;
    let pv = v.offset + j * v1;
    for (let i = 0; i < d; i++, pq += q0, pv += v0) s += qd[pq]! * (factor * vd[pv]!);
    if (s >= 0) continue;
    pq = q.offset + j * q1;
    for (let i = 0; i < d; i++, pq += q0) qd[pq] = -qd[pq]!;
  }
}
