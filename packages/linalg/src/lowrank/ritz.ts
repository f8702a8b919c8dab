/**
 * Rayleigh–Ritz on a subspace: the best eigen-approximations from `span(Q)`.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { zeros } from '../core/matrix.js';
import { gemmUnchecked } from '../blas/gemm.js';
import { eigh } from '../dense/eigh.js';
import type { LowRankEigen } from './types.js';

/**
 * Ritz values `θ` (descending) and the `q x q` rotation `Z` of an orthonormal
 * basis `Q` (`d x q`) with respect to a symmetric `A`, given `image = A·Q`:
 * the eigenpairs of `QᵀAQ` (symmetrised, so rounding in `A·Q` cannot make
 * the small problem non-symmetric). The Ritz vectors are `Q·Z`.
 * @internal
 */
export function ritzRotation(basis: Matrix, image: Matrix): LowRankEigen {
  const q = basis.shape[1]!;
  const c = zeros(q, q);
  gemmUnchecked(true, false, 1, basis, image, 0, c);
  const d = c.data;
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < i; j++) {
      const mean = 0.5 * (d[i * q + j]! + d[j * q + i]!);
      d[i * q + j] = mean;
      d[j * q + i] = mean;
    }
  }
  return eigh(c);
}
