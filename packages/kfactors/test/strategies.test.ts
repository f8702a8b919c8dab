import fc from 'fast-check';
import {
  createLayerState,
  precondition,
  updateLayer,
  type KFactorsConfig,
  type LayerState,
  type StrategyName,
} from '@bkfac/kfactors';
import { diag, matOf, mul, rowsOf, transpose, type Rows } from '../../../test-support/reference';
import {
  batchGradient,
  batches,
  columnMajorView,
  inverse,
  kron,
  kroneckerReference,
  lambdaMax,
  perFactorReference,
  relativeError,
  shifted,
  vec,
  zeroInitAverage,
} from './helpers';

const LOW_RANK: StrategyName[] = ['rs-kfac', 'sre-kfac', 'b-kfac', 'b-r-kfac', 'b-kfac-c'];
/** Every period 1 except the B-R overwrite (3) and the correction (2), so both happen. */
const EVERY_STEP = { update: 1, inverse: 1, brand: 1, overwrite: 3, correction: 2 };

function run(
  config: KFactorsConfig,
  dIn: number,
  dOut: number,
  n: number,
  steps: number,
  seed: number,
  check: (state: LayerState, t: number, x: Rows[], e: Rows[]) => void,
): void {
  const { x, e } = batches(steps, n, dIn, dOut, seed);
  const state = createLayerState(config, {
    inputDim: dIn + 1,
    outputDim: dOut,
    batchSize: n,
    seed,
  });
  for (let t = 0; t < steps; t++) {
    updateLayer(state, { step: t, epoch: 0 }, { inputs: matOf(x[t]!), gradients: matOf(e[t]!) });
    check(state, t, x.slice(0, t + 1), e.slice(0, t + 1));
  }
}

const preconditioned = (state: LayerState, grad: Rows): Rows =>
  rowsOf(precondition(state, matOf(grad)).update);

describe('full rank: every low-rank strategy equals dense per-factor-damped K-FAC', () => {
  const sizes = fc.record({
    dIn: fc.integer({ min: 1, max: 9 }),
    dOut: fc.integer({ min: 1, max: 8 }),
    n: fc.integer({ min: 1, max: 5 }),
    seed: fc.integer({ min: 1, max: 1e6 }),
  });
  it.each(LOW_RANK.flatMap((s) => (['post', 'pre'] as const).map((tr) => [s, tr] as const)))(
    '%s (%s truncation)',
    (strategy, truncation) => {
      fc.assert(
        fc.property(sizes, ({ dIn, dOut, n, seed }) => {
          const config: KFactorsConfig = {
            strategy,
            truncation,
            rank: 100,
            brandRule: 'force',
            periods: EVERY_STEP,
            damping: 0.1,
            clip: null,
          };
          run(config, dIn, dOut, n, 7, seed, (state, t, xs, es) => {
            const a = zeroInitAverage('A', xs, 0.95, dIn + 1);
            const g = zeroInitAverage('G', es, 0.95, dOut);
            const grad = batchGradient(xs[t]!, es[t]!);
            const want = perFactorReference(a, g, grad, 0.1, 0.95, t + 1);
            expect(relativeError(preconditioned(state, grad), want)).toBeLessThan(1e-12);
          });
        }),
        { numRuns: 12 },
      );
    },
  );

  it("'tikhonov' damping gives the same full-rank limit", () => {
    run(
      {
        strategy: 'b-r-kfac',
        rank: 50,
        brandRule: 'force',
        periods: EVERY_STEP,
        dampingMode: 'tikhonov',
        clip: null,
      },
      6,
      4,
      3,
      5,
      11,
      (state, t, xs, es) => {
        const a = zeroInitAverage('A', xs, 0.95, 7);
        const g = zeroInitAverage('G', es, 0.95, 4);
        const grad = batchGradient(xs[t]!, es[t]!);
        const want = perFactorReference(a, g, grad, 0.1, 0.95, t + 1);
        expect(relativeError(preconditioned(state, grad), want)).toBeLessThan(1e-12);
      },
    );
  });
});

describe('kfac matches its own Kronecker-damped formula', () => {
  it('fresh decompositions (T_inv = 1)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 1e6 }),
        (dIn, dOut, n, seed) => {
          run(
            { strategy: 'kfac', periods: { update: 1, inverse: 1 }, damping: 0.1, clip: null },
            dIn,
            dOut,
            n,
            4,
            seed,
            (state, t, xs, es) => {
              const a = zeroInitAverage('A', xs, 0.95, dIn + 1);
              const g = zeroInitAverage('G', es, 0.95, dOut);
              const grad = batchGradient(xs[t]!, es[t]!);
              const want = kroneckerReference(a, g, grad, 0.1, 0.95, t + 1);
              expect(relativeError(preconditioned(state, grad), want)).toBeLessThan(1e-11);
            },
          );
        },
      ),
      { numRuns: 15 },
    );
  });

  it('differs from per-factor damping by design', () => {
    run(
      { strategy: 'kfac', periods: { update: 1, inverse: 1 }, damping: 0.1, clip: null },
      5,
      4,
      3,
      3,
      5,
      (state, t, xs, es) => {
        const a = zeroInitAverage('A', xs, 0.95, 6);
        const g = zeroInitAverage('G', es, 0.95, 4);
        const grad = batchGradient(xs[t]!, es[t]!);
        expect(
          relativeError(
            preconditioned(state, grad),
            perFactorReference(a, g, grad, 0.1, 0.95, t + 1),
          ),
        ).toBeGreaterThan(1e-4);
      },
    );
  });

  it('uses the decomposition of the last refresh between refreshes (T_inv = 3)', () => {
    const decomposedAt = (t: number): number => t - (t % 3);
    run(
      { strategy: 'kfac', periods: { update: 1, inverse: 3 }, damping: 0.05, clip: null },
      4,
      3,
      2,
      7,
      3,
      (state, t, xs, es) => {
        const k = decomposedAt(t) + 1;
        const a = zeroInitAverage('A', xs.slice(0, k), 0.95, 5);
        const g = zeroInitAverage('G', es.slice(0, k), 0.95, 3);
        const grad = batchGradient(xs[t]!, es[t]!);
        expect(
          relativeError(preconditioned(state, grad), kroneckerReference(a, g, grad, 0.05, 0.95, k)),
        ).toBeLessThan(1e-11);
      },
    );
  });
});

describe('stale decompositions use the current update count in the damping', () => {
  it('rs-kfac at full rank with T_inv = 3', () => {
    run(
      {
        strategy: 'rs-kfac',
        rank: 20,
        periods: { update: 1, inverse: 3 },
        damping: 0.1,
        clip: null,
      },
      5,
      3,
      2,
      6,
      9,
      (state, t, xs, es) => {
        const k = t - (t % 3) + 1;
        const a = zeroInitAverage('A', xs.slice(0, k), 0.95, 6);
        const g = zeroInitAverage('G', es.slice(0, k), 0.95, 3);
        const grad = batchGradient(xs[t]!, es[t]!);
        // decomposition of step k−1's average, damping with the current count t + 1
        const want = perFactorReference(a, g, grad, 0.1, 0.95, t + 1);
        expect(relativeError(preconditioned(state, grad), want)).toBeLessThan(1e-12);
      },
    );
  });
});

describe('Kronecker identity', () => {
  it('vec(Γ⁻¹ ∇W Ā⁻¹) = (Ā⁻¹ ⊗ Γ⁻¹) vec(∇W) for the damped factors', () => {
    run(
      {
        strategy: 'sre-kfac',
        rank: 20,
        periods: { update: 1, inverse: 1 },
        damping: 0.1,
        clip: null,
      },
      3,
      4,
      2,
      3,
      21,
      (state, t, xs, es) => {
        const a = zeroInitAverage('A', xs, 0.95, 4);
        const g = zeroInitAverage('G', es, 0.95, 4);
        const mu = (m: Rows): number => 0.1 * lambdaMax(m) + 0.95 ** (t + 1);
        const grad = batchGradient(xs[t]!, es[t]!);
        const operator = kron(inverse(shifted(a, mu(a))), inverse(shifted(g, mu(g))));
        const want = mul(
          operator,
          vec(grad).map((v) => [v]),
        ).map((r) => r[0]!);
        const got = vec(preconditioned(state, grad));
        got.forEach((v, i) =>
          expect(Math.abs(v - want[i]!)).toBeLessThan(1e-12 * Math.max(...want.map(Math.abs))),
        );
      },
    );
  });
});

describe('adaptive damping at low rank', () => {
  /** Dense `(U diag(D − min D) Uᵀ + μI)⁻¹` of a factor, `μ = λ max D + ρ^k + min D`. */
  const denseAdaptiveInverse = (
    values: Float64Array,
    vectors: Float64Array,
    d: number,
    k: number,
  ): Rows => {
    const m = values.length;
    const min = Math.min(...values);
    const mu = 0.1 * Math.max(...values) + 0.95 ** k + min;
    const u = rowsOf(columnMajorView(vectors, d, m));
    const shiftedValues = Array.from(values, (v) => v - min);
    return inverse(shifted(mul(mul(u, diag(shiftedValues)), transpose(u)), mu));
  };

  it('equals the exact inverse of the flat-continued spectrum, and is sign/permutation invariant', () => {
    run(
      {
        strategy: 'rs-kfac',
        rank: 3,
        periods: { update: 1, inverse: 1 },
        damping: 0.1,
        clip: null,
      },
      9,
      7,
      2,
      4,
      4,
      (state, t, xs, es) => {
        const grad = batchGradient(xs[t]!, es[t]!);
        const ai = denseAdaptiveInverse(state.a.values, state.a.vectors, 10, t + 1);
        const gi = denseAdaptiveInverse(state.g.values, state.g.vectors, 7, t + 1);
        const want = mul(mul(gi, grad), ai);
        const got = preconditioned(state, grad);
        expect(relativeError(got, want)).toBeLessThan(1e-12);
        // operator norm of the A inverse: 1/(min D + λ max D + ρ^k)
        const d = state.a.values;
        const norm = lambdaMax(ai);
        expect(
          Math.abs(norm * (Math.min(...d) + 0.1 * Math.max(...d) + 0.95 ** (t + 1)) - 1),
        ).toBeLessThan(1e-12);
        // flip the sign of one column and swap two pairs: same result
        const v = state.a.vectors;
        for (let i = 0; i < 10; i++) v[i] = -v[i]!;
        swapPairs(state.a.values, v, 10, 0, 2);
        expect(relativeError(preconditioned(state, grad), got)).toBeLessThan(1e-13);
        swapPairs(state.a.values, v, 10, 0, 2);
        for (let i = 0; i < 10; i++) v[i] = -v[i]!;
      },
    );
  });

  it('is linear in the gradient', () => {
    run(
      { strategy: 'b-kfac', rank: 2, periods: { update: 1, brand: 1 }, clip: null },
      12,
      3,
      3,
      3,
      8,
      (state, t, xs, es) => {
        const g1 = batchGradient(xs[t]!, es[t]!);
        const g2 = batchGradient(xs[0]!, es[0]!);
        const combo = g1.map((r, i) => r.map((v, j) => 2 * v - 3 * g2[i]![j]!));
        const lhs = preconditioned(state, combo);
        const p1 = preconditioned(state, g1);
        const p2 = preconditioned(state, g2);
        const rhs = p1.map((r, i) => r.map((v, j) => 2 * v - 3 * p2[i]![j]!));
        expect(relativeError(lhs, rhs)).toBeLessThan(1e-13);
      },
    );
  });
});

function swapPairs(
  values: Float64Array,
  vectors: Float64Array,
  d: number,
  i: number,
  j: number,
): void {
  [values[i], values[j]] = [values[j]!, values[i]!];
  for (let r = 0; r < d; r++)
    [vectors[i * d + r], vectors[j * d + r]] = [vectors[j * d + r]!, vectors[i * d + r]!];
}

describe('relative eigenvalue cut-off and adversarial scales', () => {
  it('graded statistics (X̃·1e-7, E·1e7) keep the full-rank equality', () => {
    const tiny = 1e-7;
    const { x, e } = batches(4, 3, 6, 4, 77);
    const xs = x.map((b) => b.map((r) => r.map((v) => v * tiny)));
    const es = e.map((b) => b.map((r) => r.map((v) => v / tiny)));
    for (const strategy of LOW_RANK) {
      const state = createLayerState(
        { strategy, rank: 10, brandRule: 'force', periods: EVERY_STEP, damping: 0.1, clip: null },
        { inputDim: 7, outputDim: 4, batchSize: 3 },
      );
      for (let t = 0; t < 4; t++) {
        updateLayer(
          state,
          { step: t, epoch: 0 },
          { inputs: matOf(xs[t]!), gradients: matOf(es[t]!) },
        );
        const a = zeroInitAverage('A', xs.slice(0, t + 1), 0.95, 7);
        const g = zeroInitAverage('G', es.slice(0, t + 1), 0.95, 4);
        const grad = batchGradient(xs[t]!, es[t]!);
        const want = perFactorReference(a, g, grad, 0.1, 0.95, t + 1);
        expect(relativeError(preconditioned(state, grad), want)).toBeLessThan(1e-12);
      }
    }
  });

  it('rank-deficient factors get exact zeros, never tiny or negative eigenvalues', () => {
    for (const strategy of ['rs-kfac', 'sre-kfac', 'b-kfac'] as const) {
      const state = createLayerState(
        { strategy, rank: 20, brandRule: 'force', periods: EVERY_STEP },
        { inputDim: 9, outputDim: 2, batchSize: 2 },
      );
      const { x, e } = batches(1, 2, 8, 2, 3);
      updateLayer(state, { step: 0, epoch: 0 }, { inputs: matOf(x[0]!), gradients: matOf(e[0]!) });
      const values = Array.from(state.a.values);
      expect(values.filter((v) => v > 0)).toHaveLength(2);
      expect(values.filter((v) => v === 0)).toHaveLength(7);
    }
  });
});
