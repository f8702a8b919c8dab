/**
 * Brand's incremental thin SVD (Brand 2006): low-rank updates `X + A·Bᵀ` and
 * column appends `[X, C]`, with the stable residual safeguard on each side.
 * @module
 */
import { reportedAs } from '../core/reported-as.js';
import type { Matrix } from '../core/matrix.js';
import { copyInto, zeros } from '../core/matrix.js';
import { assertFinite, assertInteger, assertNumber, assertShape } from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { assertVector } from '../core/vector.js';
import { gemmUnchecked } from '../blas/gemm.js';
import { svd } from '../dense/svd.js';
import { leadingColumns, rotateInto, rowRange, stackRows } from './blocks.js';
import { assertBasis, assertObject } from './check-representation.js';
import type { OrthonormalityOptions } from './orthogonality.js';
import { splitStable } from './residual.js';
import type { LeftSvd, LowRankSvd } from './types.js';

const EPS = 2.220446049250313e-16;

/**
 * Options of {@link brandSvdUpdate} and {@link svdAppendColumns}.
 * @category Low-rank and online decompositions
 */
export interface SvdUpdateOptions extends OrthonormalityOptions {
  /** Factor `ρ ≥ 0` applied to the previous singular values (default `1`; a forgetting factor). */
  decay?: number;
  /** Keep only the `rank` largest singular triplets (default: keep all). */
  rank?: number;
  /**
   * Relative drop tolerance of each residual: new directions with singular
   * value `≤ tolerance·‖block‖_F` are discarded (default `max(rows, n)·eps`
   * of each side, in `[0, 1]`).
   */
  tolerance?: number;
}

/**
 * Brand update of a thin SVD: `U⁺·diag(s⁺)·V⁺ᵀ = ρ·U·diag(s)·Vᵀ + A·Bᵀ`, in
 * `O((m + p)·(k + c)² + (k + c)³)` for `U: m x k`, `V: p x k` and `c` new
 * columns — linear in `m` and `p`. Each side's new directions go through the
 * three-step safeguard of {@link BrandResidual} `'stable'`, so `U⁺` and `V⁺`
 * stay orthonormal to rounding. Without `rank` the update is exact; with it,
 * the best rank-`rank` approximation of the updated matrix.
 *
 * @param prev - `{ u: m x k, s: k, v: p x k }` with orthonormal `u` and `v`; `k` may be 0
 * @param a - `m x c` left factor of the update (any strides)
 * @param b - `p x c` right factor of the update (any strides)
 * @param options - `decay`, `rank` (integer in `[1, min(m, p)]`), `tolerance` and the orthonormality check
 * @returns fresh `{ u, s, v }` with `min(rank, k + a', k + b')` triplets, `s` descending
 * @throws {@link ShapeError} if the shapes of `prev`, `a`, `b` are inconsistent
 * @throws {@link InvalidArgumentError} if `u`/`v` are not orthonormal within the tolerance
 *   or an option is invalid
 * @throws {@link NonFiniteError} if an input holds NaN or ±Infinity
 * @throws {@link ConvergenceError} if the small core SVD does not converge
 * @example
 * ```ts
 * import { brandSvdUpdate, fromRows, zeros } from '@bkfac/linalg';
 * const empty = { u: zeros(2, 0), s: new Float64Array(0), v: zeros(3, 0) };
 * const x = brandSvdUpdate(empty, fromRows([[1], [0]]), fromRows([[0], [3], [0]])); // 3·e1·e2ᵀ
 * const y = brandSvdUpdate(x, fromRows([[0], [1]]), fromRows([[1], [0], [0]])); // + e2·e1ᵀ
 * console.log(Array.from(y.s).map((t) => +t.toFixed(12))); // [3, 1]
 * ```
 * @category Low-rank and online decompositions
 */
export function brandSvdUpdate(
  prev: LowRankSvd,
  a: Matrix,
  b: Matrix,
  options?: SvdUpdateOptions,
): LowRankSvd {
  options = optionsObject('brandSvdUpdate', options);
  const fn = 'brandSvdUpdate';
  const [m, k] = assertLeftSvd(fn, prev, options);
  const p = assertBasis(fn, 'prev.v', prev.v, null, k, options)[0];
  const c = assertShape(fn, 'a', a, [m, null])[1];
  assertShape(fn, 'b', b, [p, c]);
  assertFinite(fn, 'a', a);
  assertFinite(fn, 'b', b);
  const { decay, rank, tolerance } = readOptions(fn, options, Math.min(m, p));

  const left = reportedAs(fn, 'a', () => splitStable(prev.u, a, tolerance ?? Math.max(m, c) * EPS));
  const right = reportedAs(fn, 'b', () =>
    splitStable(prev.v, b, tolerance ?? Math.max(p, c) * EPS),
  );
  // Core = ρ·diag(s, 0) + [Cₐ; Rₐ]·[C_b; R_b]ᵀ, since A = [U Qₐ]·[Cₐ; Rₐ] and B likewise.
  const rows = k + left.basis.shape[1]!;
  const cols = k + right.basis.shape[1]!;
  const core = zeros(rows, cols, 'col');
  gemmUnchecked(
    false,
    true,
    1,
    stackRows(left.coefficients, left.residual),
    stackRows(right.coefficients, right.residual),
    0,
    core,
  );
  for (let i = 0; i < k; i++) core.data[i + i * rows]! += decay * prev.s[i]!;
  const small = reportedAs(fn, 'a, b', () => coreSvd(core, rank));
  const kept = small.s.length;
  const u = zeros(m, kept, 'col');
  const v = zeros(p, kept, 'col');
  rotateInto(u, prev.u, left.basis, small.u);
  rotateInto(v, prev.v, right.basis, small.v);
  return { u, s: small.s, v };
}

/**
 * Incremental SVD of a growing matrix (incremental PCA): the thin SVD of
 * `[ρ·X, C]` from `X = U·diag(s)·Vᵀ` and new columns `C`, in
 * `O(m·(k + c)² + (k + c)³)` (plus `O(p·k·(k + c))` to rotate `V`) — linear in
 * `m`, with the three-step residual safeguard so `U⁺` stays orthonormal.
 * The right singular vectors grow by `c` rows per call.
 *
 * @param prev - `{ u: m x k, s: k, v: p x k }`; `k` and `p` may be 0
 * @param c - `m x c` new columns (any strides)
 * @param options - `decay`, `rank` (integer in `[1, m]`), `tolerance` and the orthonormality check
 * @returns fresh `{ u, s, v }`, `v` of shape `(p + c) x k⁺`, `s` descending
 * @throws {@link ShapeError} if the shapes of `prev` and `c` are inconsistent
 * @throws {@link InvalidArgumentError} if `u`/`v` are not orthonormal within the tolerance
 *   or an option is invalid
 * @throws {@link NonFiniteError} if an input holds NaN or ±Infinity
 * @throws {@link ConvergenceError} if the small core SVD does not converge
 * @example
 * ```ts
 * import { fromRows, svdAppendColumns, zeros } from '@bkfac/linalg';
 * let x = { u: zeros(2, 0), s: new Float64Array(0), v: zeros(0, 0) };
 * x = svdAppendColumns(x, fromRows([[3], [0]]));
 * x = svdAppendColumns(x, fromRows([[0], [4]]));
 * console.log(Array.from(x.s).map((t) => +t.toFixed(12))); // [4, 3]
 * console.log(x.v.shape); // [2, 2]
 * ```
 * @category Low-rank and online decompositions
 */
export function svdAppendColumns(
  prev: LowRankSvd,
  c: Matrix,
  options?: SvdUpdateOptions,
): LowRankSvd;
/**
 * Incremental SVD of a growing matrix without right singular vectors: the
 * `U⁺, s⁺` of `[ρ·X, C]` from `X`'s `U, s` and new columns `C` — the
 * incremental PCA of a stream whose length is unbounded, in
 * `O(m·(k + c)² + (k + c)³)` per call.
 *
 * @param prev - `{ u: m x k, s: k }` with orthonormal `u`; `k` may be 0
 * @param c - `m x c` new columns (any strides)
 * @param options - `decay`, `rank` (integer in `[1, m]`), `tolerance` and the orthonormality check
 * @returns fresh `{ u, s }`, `s` descending
 * @throws {@link ShapeError} if the shapes of `prev` and `c` are inconsistent
 * @throws {@link InvalidArgumentError} if `u` is not orthonormal within the tolerance or an option is invalid
 * @throws {@link NonFiniteError} if an input holds NaN or ±Infinity
 * @throws {@link ConvergenceError} if the small core SVD does not converge
 * @example
 * ```ts
 * import { fromRows, svdAppendColumns, zeros } from '@bkfac/linalg';
 * let pca = { u: zeros(2, 0), s: new Float64Array(0) };
 * pca = svdAppendColumns(pca, fromRows([[3, 0], [0, 4]]), { rank: 1 });
 * console.log(Array.from(pca.s).map((t) => +t.toFixed(12))); // [4]
 * ```
 */
export function svdAppendColumns(prev: LeftSvd, c: Matrix, options?: SvdUpdateOptions): LeftSvd;
export function svdAppendColumns(
  prev: LeftSvd & { v?: Matrix },
  c: Matrix,
  options?: SvdUpdateOptions,
): LeftSvd & { v?: Matrix } {
  options = optionsObject('svdAppendColumns', options);
  const fn = 'svdAppendColumns';
  const [m, k] = assertLeftSvd(fn, prev, options);
  const p = prev.v === undefined ? 0 : assertBasis(fn, 'prev.v', prev.v, null, k, options)[0];
  const n = assertShape(fn, 'c', c, [m, null])[1];
  assertFinite(fn, 'c', c);
  const { decay, rank, tolerance } = readOptions(fn, options, m);

  const split = reportedAs(fn, 'c', () =>
    splitStable(prev.u, c, tolerance ?? Math.max(m, n) * EPS),
  );
  // [ρX, C] = [U Q]·[[ρ·diag(s), C_U], [0, R]]·blkdiag(V, I)ᵀ.
  const rows = k + split.basis.shape[1]!;
  const core = zeros(rows, k + n, 'col');
  for (let i = 0; i < k; i++) core.data[i + i * rows] = decay * prev.s[i]!;
  const newColumns = core.lo(0, k);
  copyInto(rowRange(newColumns, 0, k), split.coefficients);
  copyInto(rowRange(newColumns, k, rows), split.residual);
  const small = reportedAs(fn, 'c', () => coreSvd(core, rank));
  const kept = small.s.length;
  const u = zeros(m, kept, 'col');
  rotateInto(u, prev.u, split.basis, small.u);
  if (prev.v === undefined) return { u, s: small.s };
  const v = zeros(p + n, kept, 'col');
  gemmUnchecked(false, false, 1, prev.v, rowRange(small.v, 0, k), 0, rowRange(v, 0, p));
  copyInto(rowRange(v, p, p + n), rowRange(small.v, k, k + n));
  return { u, s: small.s, v };
}

/** Checks `prev.u` (orthonormal, `m x k`) and `prev.s` (length `k`); returns `[m, k]`. */
function assertLeftSvd(
  fn: string,
  prev: LeftSvd,
  options: OrthonormalityOptions,
): [number, number] {
  assertObject(fn, 'prev', prev, 'an object { u, s, v }');
  const s = assertVector(fn, 'prev.s', prev.s);
  return assertBasis(fn, 'prev.u', prev.u, null, s.length, options);
}

function readOptions(
  fn: string,
  options: SvdUpdateOptions,
  maxRank: number,
): { decay: number; rank: number; tolerance: number | undefined } {
  const decay = assertNumber(fn, 'options.decay', options.decay ?? 1, 0);
  const rank =
    options.rank === undefined
      ? maxRank
      : assertInteger(fn, 'options.rank', options.rank, 1, maxRank);
  const tolerance =
    options.tolerance === undefined
      ? undefined
      : assertNumber(fn, 'options.tolerance', options.tolerance, 0, 1);
  return { decay, rank, tolerance };
}

/** Thin SVD of the small core, truncated to `rank` triplets (an empty core gives none). */
function coreSvd(core: Matrix, rank: number): LowRankSvd {
  const [rows, cols] = core.shape as [number, number];
  if (rows === 0 || cols === 0) {
    return { u: zeros(rows, 0, 'col'), s: new Float64Array(0), v: zeros(cols, 0, 'col') };
  }
  const full = svd(core);
  const kept = Math.min(rank, full.s.length);
  if (kept === full.s.length) return full;
  return {
    u: leadingColumns(full.u, kept),
    s: full.s.slice(0, kept),
    v: leadingColumns(full.v, kept),
  };
}
