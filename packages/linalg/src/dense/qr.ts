/**
 * QR decomposition `A = Q·R` by blocked Householder reflections.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { copyInto, zeros } from '../core/matrix.js';
import { InvalidArgumentError } from '../core/errors.js';
import { assertFinite, assertMatrix } from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { Workspace } from '../blas/workspace.js';
import { columnMajor } from './householder.js';
import { copyScaled } from './scaling.js';
import { QR_BLOCK, blockFactorsFor, formQInPlace, householderQrInPlace } from './qr-factor.js';

const blockFactorSpace = new Workspace();

/**
 * Which factors {@link qr} returns: `'reduced'` (thin, `Q` is `m x k`, `R` is
 * `k x n`, `k = min(m, n)`), `'complete'` (`Q` is `m x m`, `R` is `m x n`) or
 * `'r'` (only the `k x n` `R` of the reduced decomposition; `Q` is not formed).
 * @category Dense decompositions
 */
export type QrMode = 'reduced' | 'complete' | 'r';

/**
 * Options of {@link qr}.
 * @category Dense decompositions
 */
export interface QrOptions {
  /** Factors to return (default `'reduced'`). */
  mode?: QrMode;
}

/**
 * Both factors of `A = Q·R`, from {@link qr} with mode `'reduced'` or `'complete'`.
 * @category Dense decompositions
 */
export interface QrResult {
  /** `m x k` (reduced) or `m x m` (complete) matrix with orthonormal columns, column-major storage. */
  q: Matrix;
  /** `k x n` (reduced) or `m x n` (complete) upper trapezoidal matrix with a non-negative diagonal, column-major storage. */
  r: Matrix;
}

/**
 * The triangular factor alone, from {@link qr} with mode `'r'`.
 * @category Dense decompositions
 */
export interface QrROnlyResult {
  /** Always `null`: `Q` is not formed in mode `'r'`. */
  q: null;
  /** `k x n` upper trapezoidal matrix with a non-negative diagonal, equal to the `R` of mode `'reduced'`. */
  r: Matrix;
}

/**
 * QR decomposition `A = Q·R`, `QᵀQ = I`, `R` upper trapezoidal with `R[i,i] >= 0`.
 *
 * Householder reflections, blocked in compact-WY form so the work runs in
 * GEMM. Sign convention: the diagonal of `R` is made non-negative (row `i`
 * of `R` and column `i` of `Q` are negated together when needed), so for a
 * full-column-rank `A` the reduced factors are unique. Rank-deficient input
 * is fine: a column already in the span of the previous ones gives a zero
 * (or tiny) `R[i,i]` and `Q` stays orthonormal. Works for tall, square and wide
 * `A`; `A` may have any strides and is not modified.
 *
 * @param a - `m x n` matrix, finite
 * @param options - `mode`: `'reduced'` (default) or `'complete'`
 * @returns `{ q, r }` with `q` `m x min(m, n)` (reduced) or `m x m` (complete)
 *   and `r` `min(m, n) x n` (reduced) or `m x n` (complete), both column-major
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix, `mode` is
 *   not one of the three modes, or `R` would overflow (entries near 1e308)
 * @throws {@link ShapeError} if `a` is not 2-D
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity
 * @example
 * ```ts
 * import { fromRows, qr, toRows } from '@bkfac/linalg';
 * const { q, r } = qr(fromRows([[3, 1], [4, 2]]));
 * console.log(toRows(r)); // ≈ [[5.0, 2.2], [0.0, 0.4]]
 * console.log(q.shape); // [2, 2]
 * ```
 * @category Dense decompositions
 */
export function qr(a: Matrix, options?: { mode?: 'reduced' | 'complete' }): QrResult;
/**
 * The triangular factor `R` of `A = Q·R` alone (mode `'r'`), without forming `Q`.
 *
 * @param a - `m x n` matrix, finite
 * @param options - `{ mode: 'r' }`
 * @returns `{ q: null, r }` with `r` the `min(m, n) x n` factor of mode `'reduced'`
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix or `R` would overflow
 * @throws {@link ShapeError} if `a` is not 2-D
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity
 * @example
 * ```ts
 * import { fromRows, qr, toRows } from '@bkfac/linalg';
 * const { q, r } = qr(fromRows([[3], [4]]), { mode: 'r' });
 * console.log(q, toRows(r)); // null [[5]]
 * ```
 */
export function qr(a: Matrix, options: { mode: 'r' }): QrROnlyResult;
/**
 * QR decomposition `A = Q·R` with the mode known only at run time.
 *
 * @param a - `m x n` matrix, finite
 * @param options - `mode`: `'reduced'` (default), `'complete'` or `'r'`
 * @returns `{ q, r }`; `q` is `null` in mode `'r'`
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix, `mode` is
 *   not one of the three modes, or `R` would overflow
 * @throws {@link ShapeError} if `a` is not 2-D
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity
 * @example
 * ```ts
 * import { eye, qr } from '@bkfac/linalg';
 * import type { QrMode } from '@bkfac/linalg';
 * const mode: QrMode = 'complete';
 * console.log(qr(eye(3).hi(3, 2), { mode }).q?.shape); // [3, 3]
 * ```
 */
export function qr(a: Matrix, options?: QrOptions): QrResult | QrROnlyResult;
export function qr(a: Matrix, options?: QrOptions): QrResult | QrROnlyResult {
  options = optionsObject('qr', options);
  const [m, n] = assertMatrix('qr', 'a', a);
  const mode = options.mode ?? 'reduced';
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') {
    throw new InvalidArgumentError('qr', 'options.mode', "'reduced', 'complete' or 'r'", mode);
  }
  assertFinite('qr', 'a', a);
  const k = Math.min(m, n);
  const qCols = mode === 'complete' ? m : k;
  // One column-major workspace: A is factored in its first n columns, Q formed over its first qCols.
  const work = zeros(m, mode === 'r' ? n : Math.max(n, qCols), 'col');
  const factored = work.hi(m, n);
  copyInto(factored, a);
  const t = blockFactorsFor(m, n);
  householderQrInPlace(factored, t);
  const r = upperTrapezoid(factored, mode === 'complete' ? m : k);
  if (mode === 'r') {
    makeDiagonalNonNegative(r, null);
    return { q: null, r };
  }
  const q = work.hi(m, qCols);
  formQInPlace(q, k, t);
  makeDiagonalNonNegative(r, q);
  return { q: compact(q), r };
}

/**
 * The first `rows` rows of the upper trapezoid of a column-major `m x n`
 * matrix, as a fresh column-major matrix (zeros below the diagonal).
 * @throws {@link InvalidArgumentError} if an entry overflowed during the factorization
 */
function upperTrapezoid(a: Matrix, rows: number): Matrix {
  const n = a.shape[1]!;
  const r = zeros(rows, n, 'col');
  const d = a.data;
  const rd = r.data;
  const ld = a.stride[1]!;
  for (let j = 0; j < n; j++) {
    const src = a.offset + j * ld;
    const top = Math.min(j + 1, rows);
    for (let i = 0; i < top; i++) {
      const v = d[src + i]!;
      if (v - v !== 0) {
        throw new InvalidArgumentError(
          'qr',
          'a',
          'entries small enough for R to be representable',
          `a matrix whose R overflows (R[${i},${j}] = ${v})`,
        );
      }
      rd[j * rows + i] = v;
    }
  }
  return r;
}

/** Negates row i of `r` (and column i of `q`) wherever `R[i,i] < 0`; both column-major. */
function makeDiagonalNonNegative(r: Matrix, q: Matrix | null): void {
  const rows = r.shape[0]!;
  const n = r.shape[1]!;
  const k = Math.min(rows, n);
  const rd = r.data;
  for (let i = 0; i < k; i++) {
    if (!(rd[i * rows + i]! < 0)) continue;
    for (let j = i; j < n; j++) rd[j * rows + i] = -rd[j * rows + i]!;
    if (q === null) continue;
    const qd = q.data;
    const m = q.shape[0]!;
    const start = q.offset + i * q.stride[1]!;
    for (let p = start; p < start + m; p++) qd[p] = -qd[p]!;
  }
}

/** A view over a larger workspace (wide input) is copied out so it does not pin the workspace. */
function compact(q: Matrix): Matrix {
  const [m, p] = q.shape as [number, number];
  if (q.data.length === m * p) return q;
  const out = zeros(m, p, 'col');
  out.data.set(q.data.subarray(0, m * p));
  return out;
}

/**
 * The thin orthonormal factor of `a` (`m x n`, `m >= n`, any strides):
 * `Q` (`m x n`, column-major, `QᵀQ = I`) with `a = Q·R` for an upper
 * triangular `R` that is never formed, so `range(Q) ⊇ range(a)` (equal when
 * `a` has full column rank). Cheapest route: Householder QR and `Q`
 * formation only, scratch reused across calls. Unchecked: no validation;
 * `a` is not modified.
 * @internal
 */
export function orthonormalizeColumns(a: Matrix): Matrix {
  const m = a.shape[0]!;
  const n = a.shape[1]!;
  const q = zeros(m, n, 'col');
  // Q is invariant to positive scaling: an exact power of two keeps the reflector norms representable.
  copyScaled(a, q.data);
  const t = columnMajor(blockFactorSpace.get(QR_BLOCK * n), QR_BLOCK, n, 0);
  householderQrInPlace(q, t);
  formQInPlace(q, n, t);
  return q;
}
