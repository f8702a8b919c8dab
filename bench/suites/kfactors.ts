/**
 * K-factor strategies of @bkfac/kfactors at d = 512 … 4096, batch n = 128, rank 128:
 * - one factor update + refresh (the work of a step on which statistics and the
 *   decomposition are both due), per strategy, against `kfac` in the same run;
 * - one inverse application on a d x d layer: dense path and factored
 *   path (linear in d);
 * - memory held per factor.
 * Writes bench/results/kfactors.{md,json}.
 */
import {
  appendOnesColumn,
  createLayerState,
  precondition,
  preconditionFactored,
  STRATEGIES,
  strategySpec,
  updateLayer,
  type FactorState,
  type KFactorsConfig,
  type LayerState,
  type StrategyName,
} from '@bkfac/kfactors';
import { createRng, gaussianMatrix, gemm, type Matrix } from '@bkfac/linalg';
import {
  formatMs,
  formatRatio,
  logLogSlope,
  measure,
  runNumpy,
  writeResults,
  type MeasureOptions,
  type Stats,
} from '../harness.js';

const SIZES = [512, 1024, 2048, 4096];
const BATCH = 128;
const RANK = 128;
/** The G side of the refresh layer: small, so the A factor of size d dominates. */
const SMALL_OUT = 16;
/** Every step updates statistics and refreshes; B-R overwrites never happen inside the refresh timing. */
const EVERY_STEP = { update: 1, inverse: 1, brand: 1, overwrite: 1_000_000, correction: 1 };

const config = (strategy: StrategyName): KFactorsConfig => ({
  strategy,
  rank: RANK,
  periods: EVERY_STEP,
});

/** A batch `(X̃, E)` of a layer with `dIn + 1` inputs (ones column) and `dOut` outputs. */
function batch(dIn: number, dOut: number, seed: number): { x: Matrix; e: Matrix } {
  const rng = createRng(seed);
  const x = appendOnesColumn(gaussianMatrix(BATCH, dIn, rng, 'col'));
  const e = gaussianMatrix(BATCH, dOut, rng, 'col');
  const ed = e.data;
  for (let i = 0; i < ed.length; i++) ed[i]! /= BATCH;
  return { x, e };
}

/** Cheap calls: many samples; multi-second calls: three. */
function sampling(firstMs: number): MeasureOptions {
  if (firstMs > 2_000) return { minTimeMs: 0, minSamples: 3, maxSamples: 3, warmup: 0 };
  return { minTimeMs: 1500, minSamples: 5, maxSamples: 100, warmup: 0 };
}

/** Times `fn` once to choose the sampling, then measures it; a call over 20 s is kept as the single sample. */
function timed(fn: () => unknown): Stats {
  const t0 = performance.now();
  fn();
  const first = performance.now() - t0;
  if (first > 20_000) return { median: first, min: first, max: first, relIqr: 0, samples: 1 };
  return measure(fn, sampling(first));
}

const factorBytes = (f: FactorState): number =>
  f.values.byteLength + f.vectors.byteLength + (f.average?.byteLength ?? 0);

interface RefreshRow {
  strategy: StrategyName;
  d: number;
  tracking: string;
  stats: Stats;
  bytes: number;
}

/** One update + refresh of a factor of size d (layer d_A = d, d_out = 16), steady state after 3 steps. */
function refreshCost(strategy: StrategyName, d: number): RefreshRow {
  const state = createLayerState(config(strategy), {
    inputDim: d,
    outputDim: SMALL_OUT,
    batchSize: BATCH,
    seed: d,
  });
  const batches = [0, 1].map((s) => batch(d - 1, SMALL_OUT, d + s));
  let step = 0;
  const advance = (): void => {
    const { x, e } = batches[step % 2]!;
    updateLayer(state, { step, epoch: 0 }, { inputs: x, gradients: e });
    step++;
  };
  // A full-EVD refresh is the slow case: its first step (a full refresh too) is not repeated to warm up.
  if (strategySpec(strategy).denseRefresh !== 'evd') for (let i = 0; i < 3; i++) advance();
  return {
    strategy,
    d,
    tracking: state.a.tracking,
    stats: timed(advance),
    bytes: factorBytes(state.a),
  };
}

interface ApplyRow {
  strategy: StrategyName;
  d: number;
  dense: Stats;
  factored: Stats | null;
}

/** Inverse application on a d x d layer after one step: dense path and (per-factor damping) factored path. */
function applyCost(strategy: StrategyName, d: number): ApplyRow {
  const state: LayerState = createLayerState(config(strategy), {
    inputDim: d,
    outputDim: d,
    batchSize: BATCH,
    seed: d,
  });
  const { x, e } = batch(d - 1, d, d + 7);
  updateLayer(state, { step: 0, epoch: 0 }, { inputs: x, gradients: e });
  const gradient = gemm(e, x, { transA: true });
  const dense = timed(() => precondition(state, gradient));
  const factored =
    state.config.dampingMode === 'kronecker'
      ? null
      : timed(() => preconditionFactored(state, x, e));
  return { strategy, d, dense, factored };
}

/** numpy's dense eigh (1 thread) of d x d matrices, median ms: context for `kfac`. */
function numpyEigh(sizes: readonly number[]): Map<number, number> | null {
  const text = runNumpy(`
import json, time, numpy as np
out = {}
for d in ${JSON.stringify(sizes)}:
    a = np.random.default_rng(1).standard_normal((d, d)); a = a + a.T
    ts = []
    for _ in range(3 if d <= 2048 else 1):
        t0 = time.perf_counter(); np.linalg.eigh(a); ts.append((time.perf_counter() - t0) * 1000)
    out[d] = sorted(ts)[len(ts) // 2]
print(json.dumps(out))
`);
  return text === null
    ? null
    : new Map(
        Object.entries(JSON.parse(text) as Record<string, number>).map(([d, ms]) => [
          Number(d),
          ms,
        ]),
      );
}

export default function run(): void {
  const refresh: RefreshRow[] = [];
  for (const strategy of STRATEGIES) {
    for (const d of SIZES) {
      const row = refreshCost(strategy, d);
      refresh.push(row);
      console.error(`refresh ${strategy} d=${d} (${row.tracking}): ${formatMs(row.stats.median)}`);
    }
  }
  const apply: ApplyRow[] = [];
  for (const strategy of STRATEGIES) {
    for (const d of SIZES) {
      const row = applyCost(strategy, d);
      apply.push(row);
      console.error(
        `apply ${strategy} d=${d}: dense ${formatMs(row.dense.median)}, factored ${row.factored ? formatMs(row.factored.median) : '—'}`,
      );
    }
  }
  const numpy = numpyEigh(SIZES);

  const refreshOf = (s: StrategyName, d: number): RefreshRow =>
    refresh.find((r) => r.strategy === s && r.d === d)!;
  const applyOf = (s: StrategyName, d: number): ApplyRow =>
    apply.find((r) => r.strategy === s && r.d === d)!;
  const brandSlope = logLogSlope(
    SIZES.map((d) => [d, refreshOf('b-kfac', d).stats.median] as const),
  );
  const factoredSlope = logLogSlope(
    SIZES.map((d) => [d, applyOf('b-kfac', d).factored!.median] as const),
  );
  const speedup2048 = refreshOf('kfac', 2048).stats.median / refreshOf('b-kfac', 2048).stats.median;

  const refreshRows = STRATEGIES.flatMap((s) =>
    SIZES.map((d) => {
      const row = refreshOf(s, d);
      const kfac = refreshOf('kfac', d).stats.median;
      return [
        s,
        d,
        row.tracking,
        formatMs(row.stats.median),
        formatRatio(kfac / row.stats.median),
        `${(row.bytes / 2 ** 20).toFixed(2)} MiB`,
      ];
    }),
  );
  const applyRows = STRATEGIES.flatMap((s) =>
    SIZES.map((d) => {
      const row = applyOf(s, d);
      const kfac = applyOf('kfac', d).dense.median;
      return [
        s,
        d,
        formatMs(row.dense.median),
        formatRatio(kfac / row.dense.median),
        row.factored === null ? '— (Kronecker damping)' : formatMs(row.factored.median),
        row.factored === null ? '—' : formatRatio(row.dense.median / row.factored.median),
      ];
    }),
  );

  writeResults(
    'kfactors',
    'K-factor strategies (@bkfac/kfactors)',
    'pnpm bench kfactors',
    [
      {
        title: `One factor update + refresh, n = ${BATCH}, rank ${RANK}`,
        columns: ['strategy', 'd', 'A factor', 'time', 'kfac / this', 'memory held (A factor)'],
        rows: refreshRows,
        notes: [
          `b-kfac refresh: log-log slope over d = ${SIZES.join(', ')}: ${brandSlope.toFixed(3)} (target ≤ 1.1); kfac / b-kfac at d = 2048: ${formatRatio(speedup2048)} (target ≥ 20x).`,
          `Layer d_A = d, d_out = ${SMALL_OUT}; T_updt = T_inv = T_brand = T_corr = 1, no B-R overwrite in the timed steps (an overwrite costs one rs-kfac refresh). Time of one updateLayer step, median over steady-state steps.`,
          'kfac = syrk EA update + full eigh; rs-kfac = EA + RSVD (o = 10, p = 3); sre-kfac = EA + Rayleigh–Ritz REVD; b-kfac = Brand step (never d x d); b-r-kfac = Brand step + dense-copy EA update; b-kfac-c = b-r-kfac + correction of round(0.2·m + 1) columns.',
          numpy === null
            ? 'numpy not available: no context column.'
            : `numpy eigh (1 thread, context for kfac): ${SIZES.map((d) => `d = ${d}: ${formatMs(numpy.get(d)!)}`).join(', ')}.`,
          'Multi-second cases are sampled 3 times, cases over 20 s once.',
        ],
      },
      {
        title: `One inverse application on a d x d layer (d_A = d_out = d), n = ${BATCH}, rank ${RANK}`,
        columns: [
          'strategy',
          'd',
          'dense path',
          'kfac / this (dense)',
          'factored path',
          'dense / factored',
        ],
        rows: applyRows,
        notes: [
          `b-kfac factored path: log-log slope over d = ${SIZES.join(', ')}: ${factoredSlope.toFixed(3)} (linear in d).`,
          'dense path = precondition(state, ∇W) incl. clipping; factored = preconditionFactored(state, X̃, E) returning V = L·Rᵀ (never forms V).',
          'kfac: Kronecker-damped path (four d³ GEMMs); its factored path does not exist (the Kronecker damping does not factor).',
        ],
      },
    ],
    {
      refresh: refresh.map((r) => ({
        strategy: r.strategy,
        d: r.d,
        tracking: r.tracking,
        stats: r.stats,
        bytes: r.bytes,
      })),
      apply,
      brandSlope,
      factoredSlope,
      speedup2048,
      numpyEighMs: numpy === null ? null : Object.fromEntries(numpy),
    },
  );
}
