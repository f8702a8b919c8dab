/**
 * Benchmark case: square GEMM `C = A·B` (`gemm` with an output matrix, so
 * allocation is not timed) against ml-matrix's `mmul` and numpy's `a @ b`.
 */
import os from 'node:os';
import { Matrix as MlMatrix } from 'ml-matrix';
import { createRng, gaussianMatrix, gemm, toRows, zeros } from '../../packages/linalg/src/index.js';
import type { Table } from '../harness.js';
import { formatMs, formatRatio, measure } from '../harness.js';
import { numpyMedians } from './dense-compare.js';

const SIZES = [64, 128, 256, 512, 1024];

/** ml-matrix needs seconds at n = 1024: few samples keep the suite short. */
const ML_MATRIX_SAMPLING = { minTimeMs: 600, minSamples: 3 };

function gflops(n: number, ms: number): string {
  return ((2 * n ** 3) / (ms * 1e6)).toFixed(2);
}

/** GEMM timings and GFLOP/s (bkfac, ml-matrix, numpy) on Gaussian n x n matrices. */
export function gemmCase(): Table {
  const numpy = numpyMedians(
    SIZES.map((n) => [n, n]),
    'rng.standard_normal(shape); b = rng.standard_normal(shape)',
    'a @ b',
  );
  const loadBefore = os.loadavg()[0]!;
  const rows = SIZES.map((n, i) => {
    const a = gaussianMatrix(n, n, createRng(n), 'row');
    const b = gaussianMatrix(n, n, createRng(n + 1), 'row');
    const c = zeros(n, n);
    const bk = measure(() => gemm(a, b, { out: c })).median;
    const mla = new MlMatrix(toRows(a));
    const mlb = new MlMatrix(toRows(b));
    const ml = measure(() => mla.mmul(mlb), ML_MATRIX_SAMPLING).median;
    const np = numpy?.[i];
    return [
      `${n}x${n}`,
      formatMs(bk),
      gflops(n, bk),
      formatMs(ml),
      gflops(n, ml),
      formatRatio(ml / bk),
      np === undefined ? 'n/a' : formatMs(np),
      np === undefined ? 'n/a' : gflops(n, np),
      np === undefined ? 'n/a' : formatRatio(bk / np),
    ];
  });
  return {
    title: 'GEMM, C = A·B (n x n, float64)',
    columns: [
      'size',
      'bkfac',
      'bkfac GFLOP/s',
      'ml-matrix 6.15',
      'ml-matrix GFLOP/s',
      'bkfac speed-up vs ml-matrix',
      'numpy (1 thread)',
      'numpy GFLOP/s',
      'bkfac time / numpy time',
    ],
    rows,
    notes: [
      'bkfac: packed A/B panels, 3x3 register-blocked micro-kernel, cache blocking (KC 256, MC 120, NC 510); validation (finite inputs) included; output matrix reused',
      'GFLOP/s = 2n³ / wall time; median of repeated samples after warm-up; ml-matrix and bkfac timed in the same process',
      `1-minute load average of the machine (2 cores, shared) before/after this table: ${loadBefore.toFixed(2)} / ${os.loadavg()[0]!.toFixed(2)}; other processes inflate wall times of both libraries alike`,
    ],
  };
}
