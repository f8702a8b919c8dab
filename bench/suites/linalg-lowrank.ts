/**
 * Online and randomized decompositions of @bkfac/linalg:
 * - Brand eigen-update, r = n = 128, d = 256 … 16384 (stable and naive residual),
 *   against a dense `eigh` of the same d x d matrix and numpy's Brand step (1 thread);
 * - rsvd / reigh of a 1024 x 1024 SPD matrix (rank 64, oversample 10, 1 power
 *   iteration): time and error relative to the best rank-64 error, beside dense eigh.
 * Writes bench/results/linalg-lowrank.{md,json,svg}.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  brandEighUpdate,
  copy,
  createRng,
  eigh,
  gaussianMatrix,
  gemm,
  qr,
  orthogonalityLoss,
  reigh,
  rsvd,
  syrk,
  zeros,
  type LowRankEigen,
  type Matrix,
} from '@bkfac/linalg';
import {
  formatMs,
  formatRatio,
  logLogSlope,
  measure,
  resultsDir,
  runNumpy,
  writeResults,
  type Stats,
} from '../harness.js';
import { renderVegaLiteSvg } from '../plot.js';

const RANK = 128;
const BATCH = 128;
const DECAY = 0.95;
const SIZES = [256, 512, 1024, 2048, 4096, 8192, 16384];
const DENSE_SIZES = [256, 512, 1024, 2048];

/** A random rank-`r` representation with orthonormal vectors and a decaying spectrum. */
function representation(d: number, r: number, seed: number): LowRankEigen {
  const rng = createRng(seed);
  const vectors = qr(gaussianMatrix(d, r, rng, 'col')).q;
  const values = Float64Array.from({ length: r }, (_, i) => 0.97 ** i);
  return { values, vectors };
}

/** Symmetric `V·diag(values)·Vᵀ + M·Mᵀ`, the matrix the Brand step decomposes. */
function denseEquivalent(rep: LowRankEigen, m: Matrix): Matrix {
  const scaled = gemm(rep.vectors, diagonal(rep.values));
  return gemm(m, m, { transB: true, beta: 1, out: gemm(scaled, rep.vectors, { transB: true }) });
}

function diagonal(values: Float64Array): Matrix {
  const out = zeros(values.length, values.length);
  values.forEach((x, i) => out.set(i, i, x));
  return out;
}

function sampleOptions(d: number): { minTimeMs: number; minSamples: number; maxSamples: number } {
  return d >= 8192
    ? { minTimeMs: 2000, minSamples: 3, maxSamples: 10 }
    : { minTimeMs: 1500, minSamples: 5, maxSamples: 200 };
}

/** numpy's Brand step (one projection pass, thin QR, eigh of the core, top-r rotation): median ms per d. */
function numpyBrand(sizes: readonly number[]): Map<number, number> | null {
  const script = `
import json, time, numpy as np
rng = np.random.default_rng(0)
out = {}
for d in ${JSON.stringify(sizes)}:
    r, n = ${RANK}, ${BATCH}
    V, _ = np.linalg.qr(rng.standard_normal((d, r)))
    lam = 0.97 ** np.arange(r)
    M = rng.standard_normal((d, n))
    def step():
        C = V.T @ M
        P = M - V @ C
        Q, R = np.linalg.qr(P)
        B = np.vstack([C, R])
        core = B @ B.T
        core[np.arange(r), np.arange(r)] += ${DECAY} * lam
        w, Z = np.linalg.eigh(core)
        top = Z[:, ::-1][:, :r]
        return w[::-1][:r], V @ top[:r] + Q @ top[r:]
    step()
    times = []
    spent = 0.0
    while spent < 1.5 or len(times) < 5:
        t0 = time.perf_counter(); step(); dt = time.perf_counter() - t0
        times.append(dt * 1000); spent += dt
    out[d] = float(np.median(times))
print(json.dumps(out))
`;
  const text = runNumpy(script);
  if (text === null) return null;
  const parsed = JSON.parse(text) as Record<string, number>;
  return new Map(Object.entries(parsed).map(([d, ms]) => [Number(d), ms]));
}

/** numpy's dense symmetric eigh (1 thread) of a d x d matrix, median ms. */
function numpyEigh(d: number): number | null {
  const text = runNumpy(`
import time, numpy as np
a = np.random.default_rng(1).standard_normal((${d}, ${d})); a = a + a.T
np.linalg.eigh(a)
ts = []
for _ in range(3):
    t0 = time.perf_counter(); np.linalg.eigh(a); ts.append((time.perf_counter() - t0) * 1000)
print(sorted(ts)[1])
`);
  return text === null ? null : Number(text.trim());
}

/** `‖A − V·diag(λ)·Vᵀ‖₂` via the dense eigenvalues of the (symmetric) difference. */
function spectralError(a: Matrix, values: Float64Array, vectors: Matrix): number {
  const scaled = gemm(vectors, diagonal(values));
  const diff = gemm(scaled, vectors, { transB: true, alpha: -1, beta: 1, out: copy(a) });
  const ev = eigh(diff, { valuesOnly: true }).values;
  return Math.max(Math.abs(ev[0]!), Math.abs(ev[ev.length - 1]!));
}

/** Log-log SVG of median time vs d, one line per series. */
export async function renderPlot(
  rows: { d: number; series: string; ms: number }[],
): Promise<string> {
  return renderVegaLiteSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Brand eigen-update (r = n = ${RANK}) vs dense eigh: time vs d`,
    width: 520,
    height: 340,
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'd', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'd' },
      y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'time (ms, median)' },
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400 } },
    },
  });
}

interface StreamResult {
  steps: number;
  msPerUpdate: number;
  finalLoss: number;
  maxLoss: number;
  top5RelativeError: number;
  topRRelativeError: number;
  loewnerMin: number;
  errorOverFirstDiscarded: number;
}

/**
 * The test suite's stream (d = 200, r = 20, n = 8, ρ = 0.95, decaying population
 * spectrum) run for 5,000 updates, against the exact dense average.
 */
function brandStream(steps: number): StreamResult {
  const d = 200;
  const r = 20;
  const n = 8;
  const rho = 0.95;
  const rng = createRng(11);
  const directions = 40;
  const population = qr(gaussianMatrix(d, directions, rng, 'col')).q;
  const spread = diagonal(Float64Array.from({ length: directions }, (_, i) => 0.8 ** i));
  const mixing = gemm(population, spread);
  let k: LowRankEigen = { values: new Float64Array(0), vectors: zeros(d, 0) };
  const dense = zeros(d, d);
  let maxLoss = 0;
  let spent = 0;
  for (let step = 0; step < steps; step++) {
    const m = gemm(mixing, gaussianMatrix(directions, n, rng, 'col'), {
      alpha: Math.sqrt(1 - rho),
    });
    const t0 = performance.now();
    k = brandEighUpdate(k, m, { decay: rho, rank: r });
    spent += performance.now() - t0;
    syrk(m, { beta: rho, out: dense });
    if (step % 100 === 99) maxLoss = Math.max(maxLoss, orthogonalityLoss(k.vectors));
  }
  const exact = eigh(dense, { valuesOnly: true }).values;
  const gap = gemm(gemm(k.vectors, diagonal(k.values)), k.vectors, {
    transB: true,
    alpha: -1,
    beta: 1,
    out: copy(dense),
  });
  const gapValues = eigh(gap, { valuesOnly: true }).values;
  const relative = (i: number): number => 1 - k.values[i]! / exact[i]!;
  return {
    steps,
    msPerUpdate: spent / steps,
    finalLoss: orthogonalityLoss(k.vectors),
    maxLoss,
    top5RelativeError: Math.max(...[0, 1, 2, 3, 4].map(relative)),
    topRRelativeError: Math.max(...Array.from({ length: r }, (_, i) => relative(i))),
    loewnerMin: gapValues[gapValues.length - 1]! / exact[0]!,
    errorOverFirstDiscarded: gapValues[0]! / exact[r]!,
  };
}

export default async function run(): Promise<void> {
  // --- Brand update vs d ---
  const brand = new Map<number, { stable: Stats; naive: Stats }>();
  for (const d of SIZES) {
    const prev = representation(d, RANK, d);
    const m = gaussianMatrix(d, BATCH, createRng(d + 1), 'col');
    const opts = sampleOptions(d);
    const stable = measure(() => brandEighUpdate(prev, m, { decay: DECAY, rank: RANK }), opts);
    const naive = measure(
      () => brandEighUpdate(prev, m, { decay: DECAY, rank: RANK, residual: 'naive' }),
      opts,
    );
    brand.set(d, { stable, naive });
    console.error(
      `brand d=${d}: stable ${formatMs(stable.median)}, naive ${formatMs(naive.median)}`,
    );
  }
  const dense = new Map<number, Stats>();
  for (const d of DENSE_SIZES) {
    const prev = representation(d, RANK, d);
    const a = denseEquivalent(prev, gaussianMatrix(d, BATCH, createRng(d + 1), 'col'));
    const opts =
      d >= 1024 ? { minTimeMs: 0, minSamples: 1, maxSamples: 1, warmup: 0 } : { minTimeMs: 1500 };
    dense.set(
      d,
      measure(() => eigh(a), opts),
    );
    console.error(`dense eigh d=${d}: ${formatMs(dense.get(d)!.median)}`);
  }
  const numpy = numpyBrand(SIZES);

  const slope = (key: 'stable' | 'naive'): number =>
    logLogSlope(SIZES.filter((d) => d >= 2048).map((d) => [d, brand.get(d)![key].median] as const));
  const brandRows = SIZES.map((d) => {
    const { stable, naive } = brand.get(d)!;
    const eighMs = dense.get(d)?.median;
    const np = numpy?.get(d);
    return [
      d,
      formatMs(stable.median),
      formatMs(naive.median),
      formatRatio(stable.median / naive.median),
      eighMs === undefined ? '—' : formatMs(eighMs),
      eighMs === undefined ? '—' : formatRatio(eighMs / stable.median),
      np === undefined ? '—' : formatMs(np),
      np === undefined ? '—' : formatRatio(stable.median / np),
    ];
  });

  // --- rsvd / reigh of a 1024 x 1024 SPD matrix ---
  const n = 1024;
  const k = 64;
  const spectrum = Float64Array.from({ length: n }, (_, i) => 1 / (1 + i) ** 2);
  const basis = qr(gaussianMatrix(n, n, createRng(5), 'col')).q;
  const spd = gemm(gemm(basis, diagonal(spectrum)), basis, { transB: true });
  const sketch = { oversample: 10, powerIterations: 1, seed: 1 };
  const rsvdStats = measure(() => rsvd(spd, k, sketch), { minTimeMs: 2000 });
  const reighStats = measure(() => reigh(spd, k, sketch), { minTimeMs: 2000 });
  const eighStats = measure(() => eigh(spd), { minTimeMs: 0, minSamples: 2, maxSamples: 2 });
  const fromRsvd = rsvd(spd, k, sketch);
  const rsvdError = spectralError(spd, fromRsvd.s, fromRsvd.u);
  const fromReigh = reigh(spd, k, sketch);
  const reighError = spectralError(spd, fromReigh.values, fromReigh.vectors);
  const best = spectrum[k]!;
  const numpyEighMs = numpyEigh(n);
  const stream = brandStream(5000);
  console.error(
    `stream: ${formatMs(stream.msPerUpdate)} per update, final loss ${stream.finalLoss}`,
  );

  const plotRows = [
    ...SIZES.map((d) => ({
      d,
      series: 'brandEighUpdate (stable)',
      ms: brand.get(d)!.stable.median,
    })),
    ...SIZES.map((d) => ({
      d,
      series: "brandEighUpdate ('naive')",
      ms: brand.get(d)!.naive.median,
    })),
    ...DENSE_SIZES.map((d) => ({ d, series: 'dense eigh (bkfac)', ms: dense.get(d)!.median })),
    ...(numpy === null
      ? []
      : SIZES.map((d) => ({ d, series: 'numpy Brand step (1 thread)', ms: numpy.get(d)! }))),
  ];
  const svg = await renderPlot(plotRows);
  writeFileSync(join(resultsDir, 'linalg-lowrank.svg'), svg);

  writeResults(
    'linalg-lowrank',
    'Online and randomized decompositions (@bkfac/linalg)',
    'pnpm bench linalg-lowrank',
    [
      {
        title: `Brand eigen-update, r = n = ${RANK}, truncated to rank ${RANK}`,
        columns: [
          'd',
          'stable (default)',
          "'naive' residual",
          'stable / naive',
          'dense eigh (bkfac)',
          'eigh / stable',
          'numpy Brand step',
          'stable / numpy',
        ],
        rows: brandRows,
        notes: [
          `log-log slope of time vs d over 2048–16384: stable ${slope('stable').toFixed(3)}, naive ${slope('naive').toFixed(3)}`,
          "'stable' = three-step residual safeguard + default probe orthonormality check; 'naive' = the reference code's step.",
          'numpy step = the naive algorithm (one projection, thin QR, eigh of the core, top-r rotation) on OpenBLAS, 1 thread.',
          'dense eigh = bkfac `eigh` (with vectors) of the same d x d matrix `V·diag(λ)·Vᵀ + M·Mᵀ`; one sample for d ≥ 1024.',
          'Plot: [linalg-lowrank.svg](linalg-lowrank.svg).',
        ],
      },
      {
        title: `Randomized decompositions of a ${n} x ${n} SPD matrix (λ_i = 1/(1+i)², rank ${k}, oversample 10, 1 power iteration)`,
        columns: ['routine', 'time', 'vs dense eigh', '‖A − Â‖₂ / λ₆₅ (best rank-64 error)'],
        rows: [
          [
            'rsvd',
            formatMs(rsvdStats.median),
            formatRatio(eighStats.median / rsvdStats.median),
            rsvdError / best,
          ],
          [
            'reigh (Rayleigh–Ritz)',
            formatMs(reighStats.median),
            formatRatio(eighStats.median / reighStats.median),
            reighError / best,
          ],
          ['dense eigh (bkfac, all pairs)', formatMs(eighStats.median), formatRatio(1), 1],
          ...(numpyEighMs === null
            ? []
            : [
                [
                  'numpy eigh (1 thread, context)',
                  formatMs(numpyEighMs),
                  formatRatio(eighStats.median / numpyEighMs),
                  1,
                ],
              ]),
        ].map((row) => row.map((x) => (typeof x === 'number' ? x.toFixed(3) : x))),
        notes: ['"vs dense eigh" = dense eigh time / routine time (higher is faster).'],
      },
      {
        title:
          'A stream of 5,000 Brand updates (d = 200, r = 20, n = 8, ρ = 0.95) against the exact dense average',
        columns: ['quantity', 'value'],
        rows: [
          ['time per update', formatMs(stream.msPerUpdate)],
          ['‖VᵀV − I‖_F at the end', stream.finalLoss.toExponential(2)],
          ['max ‖VᵀV − I‖_F (every 100 updates)', stream.maxLoss.toExponential(2)],
          ['max relative error, top-5 eigenvalues', stream.top5RelativeError.toExponential(2)],
          ['max relative error, top-20 eigenvalues', stream.topRRelativeError.toExponential(2)],
          [
            'λ_min(K − K̂) / λ_max(K) (Loewner: ≥ 0 up to rounding)',
            stream.loewnerMin.toExponential(2),
          ],
          ['‖K − K̂‖₂ / λ₂₁(K)', stream.errorOverFirstDiscarded.toFixed(2)],
        ],
        notes: [
          'Batches √(1−ρ)·P·diag(0.8^t)·G with P 40 orthonormal directions: the model of packages/linalg/test/lowrank-brand-stream.test.ts (which runs 500 updates).',
          'K = exact exponential average (syrk, zero-initialised); spectra by dense eigh.',
        ],
      },
    ],
    {
      brand: SIZES.map((d) => ({
        d,
        stableMs: brand.get(d)!.stable,
        naiveMs: brand.get(d)!.naive,
        denseEighMs: dense.get(d) ?? null,
        numpyMs: numpy?.get(d) ?? null,
      })),
      slopes: { stable: slope('stable'), naive: slope('naive') },
      randomized: {
        n,
        rank: k,
        rsvd: { stats: rsvdStats, relativeError: rsvdError / best },
        reigh: { stats: reighStats, relativeError: reighError / best },
        denseEigh: eighStats,
        numpyEighMs,
      },
      stream,
    },
  );
}
