import fc from 'fast-check';
import {
  BRAND_RANK_RULE,
  brandApplies,
  clipScale,
  createLayerState,
  nextRank,
  rootMeanSquare,
  RSVD_RANK_RULE,
  STRATEGIES,
  truncationRatio,
} from '@bkfac/kfactors';
import { InvalidArgumentError, NonFiniteError } from '@bkfac/linalg';
import { awkwardView, matOf, randomRows } from '../../../test-support/reference';

describe('per-layer RMS clipping', () => {
  it('ν ∈ (0, 1], RMS(νV) ≤ κ, unchanged when already small', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 1e-6, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-4, max: 10, noNaN: true }),
        fc.integer({ min: 1, max: 1e6 }),
        (m, n, size, kappa, seed) => {
          const v = randomRows(m, n, seed).map((r) => r.map((x) => size * x));
          const rms = rootMeanSquare(matOf(v));
          const nu = clipScale(rms, kappa);
          expect(nu).toBeGreaterThan(0);
          expect(nu).toBeLessThanOrEqual(1);
          expect(rootMeanSquare(matOf(v.map((r) => r.map((x) => nu * x))))).toBeLessThanOrEqual(
            kappa * (1 + 1e-14),
          );
          if (rms <= kappa) expect(nu).toBe(1);
        },
      ),
    );
  });

  it('RMS = ‖V‖_F/√numel on any strides; 0 for zero and empty matrices', () => {
    expect(
      rootMeanSquare(
        awkwardView([
          [3, 0],
          [0, -4],
        ]),
      ),
    ).toBe(2.5);
    expect(rootMeanSquare(matOf([[0, 0]]))).toBe(0);
    expect(clipScale(0, 0.07)).toBe(1);
    expect(() => rootMeanSquare(matOf([[Number.POSITIVE_INFINITY]]))).toThrow(NonFiniteError);
    expect(() => clipScale(-1, 0.07)).toThrow(InvalidArgumentError);
    expect(() => clipScale(1, 0)).toThrow(InvalidArgumentError);
  });
});

describe('adaptive-rank rule', () => {
  // RSVD rule: τ = 0.033; shrink below 0.026, grow above 0.053; floor 10, cap min(700, d).
  it.each([
    [100, 0.0259, 1000, 90],
    [100, 0.02601, 1000, 100],
    [100, 0.05299, 1000, 100],
    [100, 0.0531, 1000, 110],
    [15, 0.0, 1000, 10],
    [10, 0.0, 1000, 10],
    [695, 0.5, 1000, 700],
    [700, 0.5, 1000, 700],
    [95, 0.5, 100, 100],
    [100, 0.5, 100, 100],
    [750, 0.0, 1000, 700],
  ])('rsvd: r = %p, ε = %p, d = %p → %p', (rank, eps, d, want) => {
    expect(nextRank(RSVD_RANK_RULE, rank, [eps], d)).toBe(want);
  });

  // Brand rule: shrink by 5 below 0.013 (floor 70), grow by 10 above 0.048 (cap 500), mean of the last 5.
  it.each([
    [200, [0.0129], 195],
    [200, [0.01301], 200],
    [200, [0.048], 200],
    [200, [0.0481], 210],
    [72, [0], 70],
    [495, [1], 500],
    [200, [1, 0, 0, 0, 0, 0], 195],
    [200, [0, 0.05, 0.05, 0.05, 0.05, 0.05], 210],
  ])('brand: r = %p, ratios %p → %p', (rank, ratios, want) => {
    expect(nextRank(BRAND_RANK_RULE, rank, ratios, 5000)).toBe(want);
  });

  it('keeps the rank without history and rejects invalid ranks', () => {
    expect(nextRank(RSVD_RANK_RULE, 40, [], 100)).toBe(40);
    expect(() => nextRank(RSVD_RANK_RULE, 0, [0.1], 100)).toThrow(InvalidArgumentError);
    expect(() => nextRank(RSVD_RANK_RULE, 5, [0.1], 0)).toThrow(InvalidArgumentError);
  });

  it('the truncation ratio is min/max, whatever the order (not first/last, Q3)', () => {
    expect(truncationRatio([1, 2, 4])).toBe(0.25);
    expect(truncationRatio([4, 2, 1])).toBe(0.25);
    expect(truncationRatio([2, 4, 1])).toBe(0.25);
    expect(truncationRatio([4, -1e-18])).toBe(0);
    expect(truncationRatio([])).toBeNull();
    expect(truncationRatio([0, 0])).toBeNull();
  });
});

describe('LL/CaSL rule', () => {
  it('LL iff r + n < d', () => {
    expect(brandApplies(16385, 180, 128)).toBe(true);
    expect(brandApplies(2048, 180, 128)).toBe(true);
    expect(brandApplies(309, 180, 128)).toBe(true);
    expect(brandApplies(308, 180, 128)).toBe(false);
    expect(brandApplies(10, 180, 128)).toBe(false);
  });

  it('decides tracking per factor: only the Brand strategies, A and G separately', () => {
    const dims = { inputDim: 2049, outputDim: 10, batchSize: 128 };
    for (const strategy of STRATEGIES) {
      const s = createLayerState({ strategy, rank: 180 }, dims);
      const brand = strategy.startsWith('b-');
      expect([s.a.tracking, s.g.tracking]).toEqual([brand ? 'brand' : 'dense', 'dense']);
    }
  });

  it('uses the adaptive cap (500) as r_check when Brand ranks adapt', () => {
    const dims = { inputDim: 600, outputDim: 700, batchSize: 128 };
    const fixed = createLayerState({ strategy: 'b-kfac', rank: 180 }, dims);
    const adaptive = createLayerState(
      { strategy: 'b-kfac', rank: 180, adaptiveRank: { brand: true } },
      dims,
    );
    expect([fixed.a.tracking, fixed.g.tracking]).toEqual(['brand', 'brand']);
    expect([adaptive.a.tracking, adaptive.g.tracking]).toEqual(['dense', 'brand']);
  });

  it("'force' Brand-tracks small factors too, with U = I[:, :r], D = 0", () => {
    const s = createLayerState(
      { strategy: 'b-r-kfac', rank: 3, brandRule: 'force' },
      { inputDim: 4, outputDim: 2, batchSize: 8 },
    );
    expect([s.a.tracking, s.g.tracking]).toEqual(['brand', 'brand']);
    expect([s.a.rank, s.g.rank]).toEqual([3, 2]);
    expect(Array.from(s.a.values)).toEqual([0, 0, 0]);
    expect(Array.from(s.a.vectors)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    expect(s.a.average).not.toBeNull(); // B-R keeps a dense copy
    const pure = createLayerState(
      { strategy: 'b-kfac', rank: 3, brandRule: 'force' },
      { inputDim: 4, outputDim: 2, batchSize: 8 },
    );
    expect(pure.a.average).toBeNull();
  });
});
