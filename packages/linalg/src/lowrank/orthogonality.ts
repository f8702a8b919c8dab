/**
 * Orthonormality of a basis: measuring its loss, checking it at a public
 * boundary, and restoring it after a long stream of updates.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { zeros } from '../core/matrix.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { optionsObject } from '../core/options.js';
import { assertFinite, assertMatrix, assertNumber } from '../core/validate.js';
import { syrkUnchecked } from '../blas/syrk.js';
import { gemvUnchecked } from '../blas/gemv.js';
import { createRng } from '../random/rng.js';
import { orthonormalizeColumns } from '../dense/qr.js';
import { powerOfTwoScaling } from '../dense/scaling.js';
import { frobeniusNorm, representableNorm, scale } from '../core/ops.js';
import { maxAbs } from '../core/strided.js';
import type { OrthonormalityCheck } from './types.js';

/**
 * The default tolerance of every orthonormality check of `@bkfac/linalg`
 * ({@link assertOrthonormal}, and the `orthonormalityTolerance` of every
 * function that takes a basis): the largest accepted `‖VᵀV − I‖_F`.
 *
 * Why `1e-8` and not a rounding bound `c·d·eps`: the check guards inputs, not
 * results. A basis computed here is orthonormal to about `d·eps` (1e-13 for
 * `d = 1000`), but a basis carried through a long stream of updates drifts
 * past any such bound while staying perfectly usable (its loss was 3e-12
 * after 5,000 Brand updates in the benchmark, and grows with the stream), and
 * a basis restored from a checkpoint or built elsewhere carries that drift
 * too. What the loss costs is the accuracy of what is computed from the
 * basis: a loss `δ` perturbs a damped solve or an update by a relative
 * `O(δ)`. `1e-8 ≈ √eps` accepts every basis whose results keep at least half
 * of float64's digits and rejects a basis that is not orthonormal at all
 * (wrong matrix, wrong layout, un-normalised columns, float32 data), whose
 * loss is `1e-7` and up.
 *
 * @example
 * ```ts
 * import { ORTHONORMALITY_TOLERANCE, fromRows, orthogonalityLoss } from '@bkfac/linalg';
 * const drifted = fromRows([[1, 1e-9], [0, 1], [0, 0]]);
 * const skewed = fromRows([[1, 1e-7], [0, 1], [0, 0]]);
 * console.log([drifted, skewed].map((v) => orthogonalityLoss(v) <= ORTHONORMALITY_TOLERANCE)); // [true, false]
 * ```
 * @category Low-rank and online decompositions
 */
export const ORTHONORMALITY_TOLERANCE = 1e-8;

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
  /** Largest accepted `‖VᵀV − I‖_F` (default {@link ORTHONORMALITY_TOLERANCE}, `1e-8`). */
  orthonormalityTolerance?: number;
}

/**
 * Asserts that `vectors` has orthonormal columns, `‖VᵀV − I‖_F ≤ tolerance`:
 * the check every function of `@bkfac/linalg` that takes a basis runs at its
 * boundary, for libraries built on this one (a restored checkpoint, a basis
 * from elsewhere). `orthonormalityCheck: 'probe'` (default) estimates the
 * loss in `O(d·r)` from one fixed pseudo-random vector, `'full'` computes it
 * in `O(d·r²)` (see {@link OrthonormalityCheck}); the tolerance defaults to
 * {@link ORTHONORMALITY_TOLERANCE}.
 *
 * @param fn - calling function (for the message)
 * @param arg - argument name
 * @param vectors - `d x r` float64 matrix (any strides)
 * @param options - the check and its tolerance (`orthonormalityCheck`, `orthonormalityTolerance`)
 * @throws {@link InvalidArgumentError} naming `arg` if the loss exceeds the tolerance, or naming
 *   the option if an option is invalid
 * @throws {@link ShapeError} if `vectors` is not 2-D
 * @throws {@link NonFiniteError} if `vectors` holds NaN or ±Infinity
 * @example
 * ```ts
 * import { eye, fromRows } from '@bkfac/linalg';
 * import { assertOrthonormal } from '@bkfac/linalg/validate';
 * assertOrthonormal('demo', 'basis', eye(3).hi(3, 2));
 * try {
 *   assertOrthonormal('demo', 'basis', fromRows([[1, 0.001], [0, 1]]), { orthonormalityCheck: 'full' });
 * } catch (e) {
 *   console.log((e as Error).message); // demo: argument 'basis' must be a matrix with orthonormal columns (‖VᵀV − I‖_F <= 1e-8), received "a basis with ‖VᵀV − I‖_F = 1.414e-3"
 * }
 * ```
 * @category Validation
 */
export function assertOrthonormal(
  fn: string,
  arg: string,
  vectors: Matrix,
  options?: OrthonormalityOptions,
): void {
  assertMatrix(fn, arg, vectors);
  assertFinite(fn, arg, vectors);
  checkOrthonormal(fn, arg, vectors, optionsObject(fn, options));
}

/**
 * {@link assertOrthonormal} on a basis already checked to be a finite float64 matrix.
 * @internal
 */
export function checkOrthonormal(
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
    options.orthonormalityTolerance ?? ORTHONORMALITY_TOLERANCE,
    0,
  );
  if (mode === 'off' || v.shape[1] === 0) return;
  const loss = mode === 'full' ? orthogonalityLossUnchecked(v, fn) : probeLoss(v);
  if (!(loss <= tol)) {
    const norm = mode === 'full' ? '‖VᵀV − I‖_F' : '‖VᵀV − I‖_F (probe estimate)';
    throw new InvalidArgumentError(
      fn,
      arg,
      `a matrix with orthonormal columns (${norm} <= ${tol})`,
      `a basis with ${norm} = ${loss.toExponential(3)}`,
    );
  }
}

/**
 * `√r·‖VᵀV·x − x‖/‖x‖` for a fixed pseudo-random Gaussian `x`, in `O(d·r)`:
 * an estimate of `‖VᵀV − I‖_F` (since `E‖E·g‖² = ‖E‖_F²` for a standard
 * Gaussian `g`, and `‖g‖² ≈ r`), exact when `VᵀV − I` is a multiple of `I`,
 * so the probe and the full check compare the same quantity with one tolerance.
 */
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
  return Math.sqrt((r * num) / den);
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
