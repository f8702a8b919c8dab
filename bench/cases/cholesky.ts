/**
 * Benchmark case: Cholesky factorization `cholesky(a)` of an SPD matrix
 * against ml-matrix's `CholeskyDecomposition` (lower factor) and numpy's
 * `np.linalg.cholesky`.
 */
import { CholeskyDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import {
  cholesky,
  createRng,
  gaussianMatrix,
  syrk,
  toRows,
} from '../../packages/linalg/src/index.js';
import type { Table } from '../harness.js';
import { comparisonTable, numpyMedians } from './dense-compare.js';

const SIZES = [256, 512, 1024];

/** Cholesky timings (bkfac, ml-matrix, numpy) on `GᵀG/n + I`, G Gaussian. */
export function choleskyCase(): Table {
  const contenders = SIZES.map((n) => {
    const a = syrk(gaussianMatrix(n, n, createRng(n), 'col'), { trans: true, alpha: 1 / n });
    for (let i = 0; i < n; i++) a.set(i, i, a.get(i, i) + 1);
    const ml = new MlMatrix(toRows(a));
    return {
      label: `${n}x${n}`,
      bkfac: () => cholesky(a),
      mlMatrix: () => new CholeskyDecomposition(ml).lowerTriangularMatrix,
    };
  });
  const numpy = numpyMedians(
    SIZES.map((n) => [n, n]),
    'rng.standard_normal(shape); a = a.T @ a / shape[0] + np.eye(shape[0])',
    'np.linalg.cholesky(a)',
  );
  return comparisonTable('Cholesky, A = LLᵀ (SPD A)', contenders, numpy, [
    'bkfac: blocked left-looking (SYRK, GEMM, TRSM on 48-column blocks), validation (finite, symmetric) included',
  ]);
}
