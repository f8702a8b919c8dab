import { createLayerState, inversionError, updateLayer, type LayerState } from '@bkfac/kfactors';
import { orthogonalityLoss } from '@bkfac/linalg';
import {
  jacobiEigenvalues,
  matOf,
  normalStream,
  sub,
  type Rows,
} from '../../../test-support/reference';
import {
  columnMajorView,
  inverse,
  relativeError,
  representation,
  shifted,
  zeroInitAverage,
} from './helpers';

/** Random batch of numerical rank `k` (rows are combinations of `k` fixed-scale directions). */
function lowRankBatch(n: number, d: number, k: number, seed: number): Rows {
  const g = normalStream(seed);
  const basis = Array.from({ length: k }, () => Array.from({ length: d }, g));
  return Array.from({ length: n }, () => {
    const c = Array.from({ length: k }, g);
    return Array.from({ length: d }, (_, j) => c.reduce((s, ci, i) => s + ci * basis[i]![j]!, 0));
  });
}

const loss = (s: LayerState['a']): number =>
  orthogonalityLoss(columnMajorView(s.vectors, s.dim, s.values.length));

describe('long B-KFAC runs', () => {
  it('2,000 Brand updates on random low-rank batches stay orthonormal (≤ 1e-10) and finite', () => {
    const [dA, dG, n] = [24, 20, 3];
    const state = createLayerState(
      { strategy: 'b-kfac', rank: 6, periods: { update: 1, brand: 1 } },
      { inputDim: dA, outputDim: dG, batchSize: n },
    );
    expect([state.a.tracking, state.g.tracking]).toEqual(['brand', 'brand']);
    let worst = 0;
    for (let t = 0; t < 2000; t++) {
      const x = lowRankBatch(n, dA, 2, t + 1);
      const e = lowRankBatch(n, dG, 3, t + 5000).map((r) => r.map((v) => v / n));
      updateLayer(state, { step: t, epoch: 0 }, { inputs: matOf(x), gradients: matOf(e) });
      if (t % 50 === 0 || t === 1999) {
        worst = Math.max(worst, loss(state.a), loss(state.g));
        for (const f of [state.a, state.g]) {
          expect(f.values.every(Number.isFinite)).toBe(true);
          expect(f.vectors.every(Number.isFinite)).toBe(true);
        }
      }
    }
    expect(worst).toBeLessThanOrEqual(1e-10);
    expect([state.a.updates, state.g.updates]).toEqual([2000, 2000]);
  });
});

describe('B-R overwrite restores the best rank-r factor', () => {
  it('right after each overwrite, ‖K − K̂‖₂ = λ_{r+1}(K) up to RSVD accuracy; Brand alone does worse', () => {
    const [dIn, dOut, n, r] = [29, 24, 3, 5];
    const periods = { update: 1, inverse: 4, brand: 1, overwrite: 6 };
    const config = { rank: r, periods, eigenvalueCutoff: 0, clip: null } as const;
    const br = createLayerState(
      { strategy: 'b-r-kfac', ...config },
      { inputDim: dIn + 1, outputDim: dOut, batchSize: n },
    );
    const b = createLayerState(
      { strategy: 'b-kfac', ...config },
      { inputDim: dIn + 1, outputDim: dOut, batchSize: n },
    );
    const xs: Rows[] = [];
    let overwrites = 0;
    for (let t = 0; t < 25; t++) {
      const g = normalStream(t + 1);
      const x = Array.from({ length: n }, () => [
        ...Array.from({ length: dIn }, (_, j) => g() / (1 + j)),
        1,
      ]);
      const e = Array.from({ length: n }, () =>
        Array.from({ length: dOut }, (_, j) => g() / (n * (1 + j))),
      );
      xs.push(x);
      for (const s of [br, b])
        updateLayer(s, { step: t, epoch: 0 }, { inputs: matOf(x), gradients: matOf(e) });
      if (t % 6 !== 0 || t <= 4) continue;
      overwrites++;
      const k = zeroInitAverage('A', xs, 0.95, dIn + 1);
      const best = jacobiEigenvalues(k)[r]!;
      const error = (s: LayerState): number =>
        spectralNorm(sub(k, representation(s.a.values, s.a.vectors, dIn + 1)));
      expect(error(br)).toBeGreaterThanOrEqual(best * (1 - 1e-9));
      expect(error(br)).toBeLessThanOrEqual(best * 1.05);
      expect(error(b)).toBeGreaterThan(error(br));
    }
    expect(overwrites).toBe(4); // t = 6, 12, 18, 24
  });
});

describe('inversion error', () => {
  it('vanishes at full rank and for fresh kfac; positive for truncated Brand factors', () => {
    const dims = { inputDim: 16, outputDim: 5, batchSize: 2 };
    const kfac = createLayerState({ strategy: 'kfac', periods: { update: 1, inverse: 1 } }, dims);
    const bk = createLayerState(
      { strategy: 'b-kfac', rank: 4, exactAverage: true, periods: { update: 1, brand: 2 } },
      dims,
    );
    const xs: Rows[] = [];
    for (let t = 0; t < 6; t++) {
      const g = normalStream(t + 3);
      const x = Array.from({ length: 2 }, () => Array.from({ length: 16 }, g));
      const e = Array.from({ length: 2 }, () => Array.from({ length: 5 }, g));
      xs.push(x);
      for (const s of [kfac, bk])
        updateLayer(s, { step: t, epoch: 0 }, { inputs: matOf(x), gradients: matOf(e) });
    }
    for (const norm of ['spectral', 'frobenius'] as const) {
      expect(inversionError(kfac, 'A', { norm })).toBeLessThan(1e-13);
      expect(inversionError(kfac, 'G', { norm })).toBeLessThan(1e-13);
      expect(inversionError(bk, 'A', { norm })).toBeGreaterThan(1e-3);
    }
    expect(inversionError(bk, 'A', { norm: 'spectral' })).toBeLessThan(1);

    // the Frobenius figure against a dense oracle: Brand representation (k = 3 updates at T_brand = 2),
    // adaptive damping, vs the exact EA over all 6 steps damped with λ·λ_max + ρ^6
    const { values, vectors } = bk.a;
    const min = Math.min(...values);
    const mu = bk.damping * Math.max(...values) + 0.95 ** bk.a.updates + min;
    const strategy = inverse(
      shifted(
        representation(
          Float64Array.from(values, (v) => v - min),
          vectors,
          16,
        ),
        mu,
      ),
    );
    const exact = zeroInitAverage('A', xs, 0.95, 16);
    const reference = inverse(
      shifted(exact, bk.damping * jacobiEigenvalues(exact)[0]! + 0.95 ** 6),
    );
    expect(bk.a.updates).toBe(3);
    const want = relativeError(strategy, reference);
    expect(Math.abs(inversionError(bk, 'A', { norm: 'frobenius' }) - want)).toBeLessThan(
      1e-12 * want,
    );
    const spectral = spectralNorm(sub(strategy, reference)) / spectralNorm(reference);
    expect(Math.abs(inversionError(bk, 'A') - spectral)).toBeLessThan(1e-10 * spectral);
  });
});

function spectralNorm(m: Rows): number {
  const e = jacobiEigenvalues(m);
  return Math.max(Math.abs(e[0]!), Math.abs(e[e.length - 1]!));
}
