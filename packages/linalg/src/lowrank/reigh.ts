/**
 * Randomized symmetric eigendecomposition (SRE-KFAC / RS-KFAC).
 * @module
 */
import { optionsObject } from '../core/options.js';
import type { Matrix } from '../core/matrix.js';
import { zeros } from '../core/matrix.js';
import { InvalidArgumentError } from '../core/errors.js';
import { gemmUnchecked } from '../blas/gemm.js';
import { svd } from '../dense/svd.js';
import type { LinearOperator } from './operator.js';
import type { RandomSource } from './random-source.js';
import { sketchFor } from './range-finder.js';
import type { LowRankEigen } from './types.js';
import { gatherColumns, leadingColumns } from './blocks.js';
import { ritzRotation } from './ritz.js';

/**
 * How {@link reigh} turns the sketch basis `Q` into eigenpairs:
 * `'rayleigh-ritz'` (SRE-KFAC) takes the eigenpairs `θ, Z` of `QᵀAQ` and returns
 * `Q·Z` with the Ritz values `θ` (the best approximations from `span(Q)`,
 * `θ_i ≤ λ_i`); `'svd'` (RS-KFAC, the reference's `svd_lowrank` route)
 * takes the SVD `A·Q = Û·Σ·V̂ᵀ` and returns `Q·V̂` with the singular values
 * `Σ` (`σ_i(AQ) = √eig(QᵀA²Q)`, also `≤ |λ_i|`; for PSD `A` only).
 *
 * @example
 * ```ts
 * import type { ReighMethod } from '@bkfac/linalg';
 * const method: ReighMethod = 'svd';
 * console.log(method); // svd
 * ```
 * @category Low-rank and online decompositions
 */
export type ReighMethod = 'rayleigh-ritz' | 'svd';

/**
 * Options of {@link reigh}.
 * @category Low-rank and online decompositions
 */
export interface ReighOptions extends RandomSource {
  /** Extra sketch columns beyond `rank` (default `10`). */
  oversample?: number;
  /** Re-orthonormalised subspace iterations (default `2`), see {@link RangeFinderOptions.powerIterations}. */
  powerIterations?: number;
  /** Eigenpair estimator on the sketch (default `'rayleigh-ritz'`), see {@link ReighMethod}. */
  method?: ReighMethod;
}

/**
 * Randomized rank-`k` eigendecomposition of a symmetric matrix,
 * `A ≈ V·diag(values)·Vᵀ`: range finder `Q` of `A` (see {@link rangeFinder}),
 * then one more product `A·Q` and a small `q x q` problem (see
 * {@link ReighMethod}). With `'rayleigh-ritz'` the `k` Ritz pairs of largest
 * magnitude are kept (the dominant part of an indefinite `A`; for PSD `A` the
 * largest). Costs `2p + 2` products `A·(n x q)` plus `O(n·q²)`, `q = k + oversample`.
 *
 * @param a - symmetric `n x n` matrix (any strides) or a square {@link LinearOperator}
 *   representing a symmetric matrix (its symmetry is the caller's contract)
 * @param rank - number `k` of eigenpairs, an integer in `[1, n]`
 * @param options - `oversample`, `powerIterations`, `method` and the random source (`seed`/`rng`; default seed 0)
 * @returns fresh `{ values: k (descending), vectors: n x k orthonormal }`
 * @throws {@link InvalidArgumentError} if `rank`, an option, the seed/rng or the operator is invalid
 * @throws {@link ShapeError} if `a` is not square (or an operator's output has the wrong shape)
 * @throws {@link NonSymmetricError} if the matrix `a` is not symmetric
 * @throws {@link NonFiniteError} if `a` (or an operator's output) holds NaN or ±Infinity
 * @throws {@link ConvergenceError} if the small dense eigensolver or SVD does not converge
 * @example
 * ```ts
 * import { fromRows, reigh } from '@bkfac/linalg';
 * const a = fromRows([[4, 1, 0], [1, 3, 0], [0, 0, 0.5]]);
 * const { values } = reigh(a, 2, { seed: 3, oversample: 1 });
 * console.log(Array.from(values).map((x) => +x.toFixed(10))); // [4.6180339887, 2.3819660113]
 * ```
 * @category Low-rank and online decompositions
 */
export function reigh(
  a: Matrix | LinearOperator,
  rank: number,
  options?: ReighOptions,
): LowRankEigen {
  options = optionsObject('reigh', options);
  const method = options.method ?? 'rayleigh-ritz';
  if (method !== 'rayleigh-ritz' && method !== 'svd') {
    throw new InvalidArgumentError('reigh', 'options.method', "'rayleigh-ritz' or 'svd'", method);
  }
  const { op, basis } = sketchFor('reigh', a, rank, options, true);
  const n = op.rows;
  const image = op.apply(basis);
  const vectors = zeros(n, rank, 'col');
  if (method === 'svd') {
    const { s, v } = svd(image);
    gemmUnchecked(false, false, 1, basis, leadingColumns(v, rank), 0, vectors);
    return { values: s.slice(0, rank), vectors };
  }
  const ritz = ritzRotation(basis, image);
  const keep = largestMagnitude(ritz.values, rank);
  gemmUnchecked(false, false, 1, basis, gatherColumns(ritz.vectors, keep), 0, vectors);
  return { values: Float64Array.from(keep, (i) => ritz.values[i]!), vectors };
}

/** Indices of the `k` entries of largest magnitude of a descending list, kept in descending order. */
function largestMagnitude(values: Float64Array, k: number): number[] {
  // Descending order: the largest magnitudes sit at the two ends; merge from both.
  const picked: number[] = [];
  let lo = 0;
  let hi = values.length - 1;
  while (picked.length < k) {
    if (Math.abs(values[lo]!) >= Math.abs(values[hi]!)) picked.push(lo++);
    else picked.push(hi--);
  }
  return picked.sort((x, y) => x - y);
}
