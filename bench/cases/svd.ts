/**
 * Benchmark case: thin SVD with both factors (`svd(a)`) against ml-matrix's
 * `SingularValueDecomposition` and numpy's `np.linalg.svd(full_matrices=False)`.
 */
import { Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import { createRng, gaussianMatrix, svd, toRows } from '../../packages/linalg/src/index.js';
import type { Table } from '../harness.js';
import { comparisonTable, numpyMedians } from './dense-compare.js';

const SHAPES: readonly (readonly [number, number])[] = [
  [256, 256],
  [512, 512],
  [1024, 256],
];

/** Thin SVD timings (bkfac, ml-matrix, numpy) on Gaussian matrices. */
export function svdCase(): Table {
  const contenders = SHAPES.map(([m, n]) => {
    const a = gaussianMatrix(m, n, createRng(m * 5 + n), 'col');
    const ml = new MlMatrix(toRows(a));
    return {
      label: `${m}x${n}`,
      bkfac: () => svd(a),
      mlMatrix: () => {
        const d = new SingularValueDecomposition(ml);
        return [d.leftSingularVectors, d.diagonal, d.rightSingularVectors];
      },
    };
  });
  const numpy = numpyMedians(
    SHAPES,
    'rng.standard_normal(shape)',
    'np.linalg.svd(a, full_matrices=False)',
  );
  return comparisonTable(
    'Thin SVD, A = U·diag(s)·Vᵀ with U (m x k) and V (n x k) formed',
    contenders,
    numpy,
    [
      'bkfac: Householder QR first when m >= 1.6n, blocked Golub–Kahan bidiagonalization (32-column panels), bidiagonal SVD through the tridiagonal solver on its Golub–Kahan form, GEMM back-transformations; validation included',
    ],
  );
}
