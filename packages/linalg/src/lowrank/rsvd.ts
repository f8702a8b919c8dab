/**
 * Randomized truncated SVD (Halko, Martinsson & Tropp 2011).
 * @module
 */
import { optionsObject } from '../core/options.js';
import type { Matrix } from '../core/matrix.js';
import { copy, zeros } from '../core/matrix.js';
import { gemmUnchecked } from '../blas/gemm.js';
import { svd } from '../dense/svd.js';
import type { LinearOperator } from './operator.js';
import type { RandomSource } from './random-source.js';
import { sketchFor } from './range-finder.js';
import type { LowRankSvd } from './types.js';
import { leadingColumns } from './blocks.js';

/**
 * Options of {@link rsvd}.
 * @category Low-rank and online decompositions
 */
export interface RsvdOptions extends RandomSource {
  /** Extra sketch columns `o` beyond `rank` (default `10`); the sketch has `min(rank + o, rows, cols)` columns. */
  oversample?: number;
  /** Re-orthonormalised subspace iterations `p` (default `2`), see {@link RangeFinderOptions.powerIterations}. */
  powerIterations?: number;
}

/**
 * Randomized rank-`k` SVD `A ≈ U·diag(s)·Vᵀ`: range finder `Q` (see
 * {@link rangeFinder}), then the exact SVD of the small `QᵀA`. Costs
 * `2p + 2` products with `A` (or its transpose) on `rows x q` / `cols x q`
 * blocks plus `O((rows + cols)·q²)`, `q = k + oversample`. Exact when
 * `rank(A) ≤ q`; otherwise `‖A − Â‖₂` is within a small factor of the best
 * rank-`k` error `σ_{k+1}(A)` (the factor shrinks with `powerIterations`).
 *
 * @param a - `rows x cols` matrix (any strides) or a {@link LinearOperator}
 *   with `applyTranspose` (or `symmetric: true`)
 * @param rank - number `k` of singular triplets, an integer in `[1, min(rows, cols)]`
 * @param options - `oversample`, `powerIterations` and the random source (`seed` or `rng`; default seed 0)
 * @returns fresh `{ u: rows x k, s: k (descending), v: cols x k }`
 * @throws {@link InvalidArgumentError} if `rank`, an option, the seed/rng or the operator is invalid
 * @throws {@link ShapeError} if `a` (or an operator's output) has the wrong shape
 * @throws {@link NonFiniteError} if `a` (or an operator's output) holds NaN or ±Infinity
 * @throws {@link ConvergenceError} if the small dense SVD does not converge
 * @example
 * ```ts
 * import { fromRows, rsvd } from '@bkfac/linalg';
 * const a = fromRows([[3, 0, 0], [0, 2, 0], [0, 0, 1], [0, 0, 0]]);
 * const { s } = rsvd(a, 2, { seed: 7 });
 * console.log(Array.from(s).map((x) => +x.toFixed(12))); // [3, 2]
 * ```
 * @category Low-rank and online decompositions
 */
export function rsvd(a: Matrix | LinearOperator, rank: number, options?: RsvdOptions): LowRankSvd {
  options = optionsObject('rsvd', options);
  const { op, basis } = sketchFor('rsvd', a, rank, options, false);
  // (QᵀA)ᵀ = AᵀQ is tall: its SVD W·Σ·Zᵀ gives QᵀA = Z·Σ·Wᵀ.
  const small = svd(op.applyTranspose(basis));
  const u = zeros(op.rows, rank, 'col');
  gemmUnchecked(false, false, 1, basis, leadingColumns(small.v, rank), 0, u);
  return {
    u,
    s: small.s.slice(0, rank),
    v: copy(leadingColumns(small.u, rank), 'col'),
  };
}
