/**
 * Benchmark case: thin QR with both factors (`qr(a)`, Q is m x n) against
 * ml-matrix's `QrDecomposition` plus its orthogonal and triangular factors,
 * and numpy's `np.linalg.qr` (reduced).
 */
import { Matrix as MlMatrix, QrDecomposition } from 'ml-matrix';
import { createRng, gaussianMatrix, qr, toRows } from '../../packages/linalg/src/index.js';
import type { Table } from '../harness.js';
import { comparisonTable, numpyMedians } from './dense-compare.js';

const SHAPES: readonly (readonly [number, number])[] = [
  [256, 256],
  [512, 512],
  [1024, 256],
  [2048, 128],
];

/** Thin QR timings (bkfac, ml-matrix, numpy) on Gaussian matrices. */
export function qrCase(): Table {
  const contenders = SHAPES.map(([m, n]) => {
    const a = gaussianMatrix(m, n, createRng(m * 7 + n), 'col');
    const ml = new MlMatrix(toRows(a));
    return {
      label: `${m}x${n}`,
      bkfac: () => qr(a),
      mlMatrix: () => {
        const d = new QrDecomposition(ml);
        return [d.orthogonalMatrix, d.upperTriangularMatrix];
      },
    };
  });
  const numpy = numpyMedians(SHAPES, 'rng.standard_normal(shape)', 'np.linalg.qr(a)');
  return comparisonTable('Thin QR, A = QR with Q (m x n) and R formed', contenders, numpy, [
    'bkfac: blocked Householder (compact WY; 32-column panels factored recursively down to 8-column level-2 leaves), Q formed by blocked back-accumulation; validation included',
  ]);
}
