/**
 * `npm run bench -- compute-engine`: every hot routine on the scalar kernels,
 * on the WebAssembly SIMD kernels, and on those split over two threads, in
 * interleaved rounds of one process; GEMM also against ml-matrix (same
 * process) and numpy (one OpenBLAS thread). Kernel figures are given as a
 * share of one core's multiply-add ceiling, measured in the same run.
 * Writes bench/results/compute-engine.{md,json}.
 */
import os from 'node:os';
import { Matrix as MlMatrix } from 'ml-matrix';
import {
  brandEighUpdate,
  createRng,
  eigh,
  gaussianMatrix,
  gemm,
  qr,
  svd,
  syrk,
  toRows,
  zeros,
  type LowRankEigen,
  type Matrix,
} from '@bkfac/linalg';
import { loadMnist, mlp } from '@bkfac/nn';
import {
  formatMs,
  formatRatio,
  measure,
  writeResults,
  type MeasureOptions,
  type Table,
} from '../harness.js';
import { numpyMedians } from '../cases/dense-compare.js';
import { ceilings } from '../engine/ceiling.js';
import { comparePaths, ratioWithRange, usePath, type PathTimes } from '../engine/paths.js';
import { breakEvenTable } from '../engine/break-even.js';

const ROUNDS = 5;
const FAST: MeasureOptions = { minTimeMs: 200, minSamples: 3 };
const SLOW: MeasureOptions = { minTimeMs: 0, minSamples: 2, maxSamples: 2 };

const gflops = (flops: number, ms: number): number => flops / (ms * 1e6);

interface Workload {
  readonly label: string;
  readonly run: () => unknown;
  /** Floating-point operations of one call, for GFLOP/s (omitted where not meaningful). */
  readonly flops?: number;
  readonly sampling: MeasureOptions;
  readonly rounds: number;
}

function gaussian(m: number, n: number, seed: number): Matrix {
  return gaussianMatrix(m, n, createRng(seed), 'row');
}

function symmetric(n: number): Matrix {
  const g = gaussian(n, n, n);
  return gemm(g, g, { transB: true, alpha: 1 / n });
}

function brandStep(d: number, r: number, batch: number): () => unknown {
  const rep: LowRankEigen = {
    values: Float64Array.from({ length: r }, (_, i) => 0.97 ** i),
    vectors: qr(gaussian(d, r, 3)).q,
  };
  const m = gaussian(d, batch, 4);
  return () => brandEighUpdate(rep, m, { decay: 0.95, rank: r });
}

function mlpStep(): () => unknown {
  const batch = 128;
  const model = mlp({ sizes: [784, 512, 512, 10] });
  const params = model.init(1);
  const data = loadMnist({ split: 'train', limit: batch });
  const x = zeros(batch, 784);
  const labels = new Int32Array(batch);
  data.gather(
    Array.from({ length: batch }, (_, i) => i),
    x,
    labels,
  );
  return () => model.lossAndGradients(params, { x, labels });
}

function workloads(): Workload[] {
  const gemms = [64, 128, 256, 512, 1024].map((n): Workload => {
    const a = gaussian(n, n, n);
    const b = gaussian(n, n, n + 1);
    const c = zeros(n, n);
    return {
      label: `GEMM ${n}`,
      run: () => gemm(a, b, { out: c }),
      flops: 2 * n ** 3,
      sampling: n >= 1024 ? SLOW : FAST,
      rounds: ROUNDS,
    };
  });
  const s = gaussian(512, 512, 9);
  const sc = zeros(512, 512);
  const tall = gaussian(1024, 256, 10);
  const sym512 = symmetric(512);
  const sym1024 = symmetric(1024);
  return [
    ...gemms,
    {
      label: 'SYRK 512, k 512',
      run: () => syrk(s, { out: sc }),
      flops: 512 * 513 * 512,
      sampling: FAST,
      rounds: ROUNDS,
    },
    { label: 'QR 1024x256 (Q formed)', run: () => qr(tall), sampling: FAST, rounds: ROUNDS },
    { label: 'eigh 512 (vectors)', run: () => eigh(sym512), sampling: SLOW, rounds: 3 },
    { label: 'eigh 1024 (vectors)', run: () => eigh(sym1024), sampling: SLOW, rounds: 3 },
    { label: 'thin SVD 1024x256', run: () => svd(tall), sampling: SLOW, rounds: 3 },
    {
      label: 'Brand step d 2048, r = n = 128',
      run: brandStep(2048, 128, 128),
      sampling: FAST,
      rounds: ROUNDS,
    },
    {
      label: 'MLP 784-512-512-10 fwd+bwd, batch 128',
      run: mlpStep(),
      sampling: FAST,
      rounds: ROUNDS,
    },
  ];
}

function pathsTable(
  rows: readonly { w: Workload; t: PathTimes }[],
  peak: { scalar: number; simd: number },
): Table {
  const share = (flops: number | undefined, ms: number, ceiling: number): string =>
    flops === undefined
      ? ''
      : ` · ${gflops(flops, ms).toFixed(1)} GF/s, ${((100 * gflops(flops, ms)) / ceiling).toFixed(0)} %`;
  return {
    title: 'Kernel paths: scalar JS vs Wasm SIMD vs Wasm SIMD on 2 threads',
    columns: [
      'workload',
      'js',
      'wasm, 1 thread',
      'wasm, 2 threads',
      'wasm×1 speed-up vs js',
      'wasm×2 speed-up vs wasm×1',
    ],
    rows: rows.map(({ w, t }) => [
      w.label,
      formatMs(t.median.js) + share(w.flops, t.median.js, peak.scalar),
      formatMs(t.median['wasm×1']) + share(w.flops, t.median['wasm×1'], peak.simd),
      formatMs(t.median['wasm×2']) + share(w.flops, t.median['wasm×2'], 2 * peak.simd),
      ratioWithRange(t.speedups.vsJs['wasm×1']),
      ratioWithRange(t.speedups.twoThreads),
    ]),
    notes: [
      `ceilings measured in this run (12 independent multiply-add chains on one core): scalar ${peak.scalar.toFixed(1)} GFLOP/s, Wasm f64x2 ${peak.simd.toFixed(1)} GFLOP/s; the % after each GFLOP/s figure is of the ceiling of that path (2 threads: twice the f64x2 ceiling)`,
      `each cell: median over interleaved rounds (${ROUNDS} for fast workloads, 3 for eigh/SVD) of each round's median; speed-ups are formed within a round, shown as median (min-max over rounds)`,
      'validation included; GEMM and SYRK write into a reused output; the MLP step is `lossAndGradients` of @bkfac/nn (autograd, allocation included)',
    ],
  };
}

function externalGemmTable(): Table {
  const sizes = [128, 256, 512];
  const numpy = numpyMedians(
    sizes.map((n) => [n, n]),
    'rng.standard_normal(shape); b = rng.standard_normal(shape)',
    'a @ b',
  );
  usePath('wasm×1');
  const rows = sizes.map((n, i) => {
    const a = gaussian(n, n, n);
    const b = gaussian(n, n, n + 1);
    const c = zeros(n, n);
    const mla = new MlMatrix(toRows(a));
    const mlb = new MlMatrix(toRows(b));
    const ratios: number[] = [];
    let bk = 0;
    for (let r = 0; r < 3; r++) {
      bk = measure(() => gemm(a, b, { out: c }), FAST).median;
      const ml = measure(() => mla.mmul(mlb), { minTimeMs: 300, minSamples: 2 }).median;
      ratios.push(ml / bk);
    }
    const np = numpy?.[i];
    return [
      `${n}x${n}`,
      `${gflops(2 * n ** 3, bk).toFixed(1)}`,
      ratioWithRange(ratios),
      np === undefined ? 'n/a' : `${gflops(2 * n ** 3, np).toFixed(1)}`,
      np === undefined ? 'n/a' : formatRatio(bk / np),
    ];
  });
  return {
    title: 'GEMM on the Wasm path (1 thread) against ml-matrix and numpy',
    columns: [
      'size',
      'bkfac GFLOP/s',
      'speed-up vs ml-matrix 6.15',
      'numpy GFLOP/s (1 thread)',
      'bkfac time / numpy time',
    ],
    rows,
    notes: [
      'ml-matrix interleaved with bkfac in 3 rounds of this process; numpy in a child process right before',
    ],
  };
}

export default function computeEngine(): void {
  const loadBefore = os.loadavg()[0]!;
  const peak = ceilings();
  console.error(
    `ceilings: scalar ${peak.scalar.toFixed(1)}, f64x2 ${peak.simd.toFixed(1)} GFLOP/s`,
  );
  const measured = workloads().map((w) => {
    const t = comparePaths(w.run, w.rounds, w.sampling);
    console.error(
      `${w.label}: js ${formatMs(t.median.js)}, wasm ${formatMs(t.median['wasm×1'])}, 2 threads ${formatMs(t.median['wasm×2'])}`,
    );
    return { w, t };
  });
  const tables = [pathsTable(measured, peak), breakEvenTable(), externalGemmTable()];
  const loadAfter = os.loadavg()[0]!;
  const last = tables[tables.length - 1]!;
  tables[tables.length - 1] = {
    ...last,
    notes: [
      ...(last.notes ?? []),
      `1-minute load average of the machine (2 cores, shared) before/after the whole suite: ${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)}`,
    ],
  };
  writeResults(
    'compute-engine',
    'Compute engine: scalar vs WebAssembly SIMD vs two threads',
    'npm run bench -- compute-engine',
    tables,
    {
      peak,
      measured: measured.map(({ w, t }) => ({ label: w.label, flops: w.flops, ...t })),
    },
  );
}
