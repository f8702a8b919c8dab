/**
 * Result types of the low-rank decompositions.
 * @module
 */
import type { Matrix } from '../core/matrix.js';

/**
 * A symmetric low-rank eigen-representation `K ≈ V·diag(values)·Vᵀ` with
 * orthonormal `V` (`VᵀV = I`), eigenvalues in descending order.
 *
 * @example
 * ```ts
 * import { brandEighUpdate, fromRows, zeros, type LowRankEigen } from '@bkfac/linalg';
 * const empty: LowRankEigen = { values: new Float64Array(0), vectors: zeros(3, 0) };
 * const k = brandEighUpdate(empty, fromRows([[1], [0], [0]]));
 * console.log(Array.from(k.values)); // [1]
 * ```
 * @category Low-rank and online decompositions
 */
export interface LowRankEigen {
  /** Eigenvalues, length `r`, descending. */
  readonly values: Float64Array;
  /** `d x r` matrix with orthonormal columns (the eigenvectors). */
  readonly vectors: Matrix;
}

/**
 * A thin singular value decomposition `X ≈ U·diag(s)·Vᵀ` with orthonormal
 * `U` and `V`, singular values in descending order.
 *
 * @example
 * ```ts
 * import { brandSvdUpdate, fromRows, zeros, type LowRankSvd } from '@bkfac/linalg';
 * const empty: LowRankSvd = { u: zeros(2, 0), s: new Float64Array(0), v: zeros(3, 0) };
 * const x = brandSvdUpdate(empty, fromRows([[2], [0]]), fromRows([[1], [0], [0]]));
 * console.log(Array.from(x.s).map((t) => +t.toFixed(12))); // [2]
 * ```
 * @category Low-rank and online decompositions
 */
export interface LowRankSvd {
  /** `m x k` left singular vectors (orthonormal columns). */
  readonly u: Matrix;
  /** Singular values, length `k`, descending, non-negative. */
  readonly s: Float64Array;
  /** `n x k` right singular vectors (orthonormal columns). */
  readonly v: Matrix;
}

/**
 * The left half `U·diag(s)` of a thin SVD, for streams whose right singular
 * vectors are not needed (incremental PCA keeps only `u` and `s`).
 *
 * @example
 * ```ts
 * import { fromRows, svdAppendColumns, zeros, type LeftSvd } from '@bkfac/linalg';
 * const empty: LeftSvd = { u: zeros(2, 0), s: new Float64Array(0) };
 * const pca = svdAppendColumns(empty, fromRows([[3, 0], [0, 4]]));
 * console.log(Array.from(pca.s).map((t) => +t.toFixed(12))); // [4, 3]
 * ```
 * @category Low-rank and online decompositions
 */
export interface LeftSvd {
  /** `m x k` left singular vectors (orthonormal columns). */
  readonly u: Matrix;
  /** Singular values, length `k`, descending, non-negative. */
  readonly s: Float64Array;
}

/**
 * How an input basis is checked for orthonormality at the public boundary,
 * against one tolerance on `‖VᵀV − I‖_F` (default
 * {@link ORTHONORMALITY_TOLERANCE}): `'probe'` (default) estimates the loss
 * as `√r·‖(VᵀV − I)x‖₂/‖x‖₂` for one fixed pseudo-random Gaussian `x`, in
 * `O(d·r)`, which catches any loss much larger than the tolerance with high
 * probability; `'full'` computes `‖VᵀV − I‖_F` exactly in `O(d·r²)`; `'off'`
 * skips the check (for bases you produced yourself).
 *
 * @example
 * ```ts
 * import type { OrthonormalityCheck } from '@bkfac/linalg';
 * const check: OrthonormalityCheck = 'full';
 * console.log(check); // full
 * ```
 * @category Low-rank and online decompositions
 */
export type OrthonormalityCheck = 'probe' | 'full' | 'off';
