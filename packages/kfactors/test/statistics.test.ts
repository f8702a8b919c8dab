import fc from 'fast-check';
import {
  appendOnesColumn,
  batchFactor,
  batchScale,
  brandIncrement,
  exponentialAverageInPlace,
} from '@bkfac/kfactors';
import { eye, InvalidArgumentError, NonFiniteError, ShapeError, zeros } from '@bkfac/linalg';
import {
  add,
  awkwardView,
  identityRows,
  jacobiEigenvalues,
  matOf,
  maxAbs,
  mul,
  rowsOf,
  scale,
  sub,
  transpose,
  zerosRows,
} from '../../../test-support/reference';
import { batchStatistic, gradientBatch, inputBatch, zeroInitAverage } from './helpers';

const EPS = 2.220446049250313e-16;
const dims = fc.record({
  n: fc.integer({ min: 1, max: 12 }),
  d: fc.integer({ min: 1, max: 20 }),
  seed: fc.integer({ min: 1, max: 1e6 }),
});

/** `‖X − Y‖_max ≤ c·eps·scale`. */
function expectClose(x: number[][], y: number[][], c: number, s: number): void {
  expect(maxAbs(sub(x, y))).toBeLessThanOrEqual(c * EPS * Math.max(s, Number.MIN_VALUE));
}

describe('batch statistics', () => {
  it('A_b = X̃ᵀX̃/n and G_b = n·EᵀE, on any strides', () => {
    fc.assert(
      fc.property(dims, ({ n, d, seed }) => {
        const x = inputBatch(n, d, seed);
        const e = gradientBatch(n, d, seed + 1);
        const a = rowsOf(batchFactor('A', awkwardView(x)));
        expectClose(a, batchStatistic('A', x), 4 * n, maxAbs(batchStatistic('A', x)));
        const g = rowsOf(batchFactor('G', matOf(e)));
        expectClose(g, batchStatistic('G', e), 4 * n, maxAbs(batchStatistic('G', e)));
      }),
    );
  });

  it('M_A·M_Aᵀ = (1−ρ)·X̃ᵀX̃/n and M_G·M_Gᵀ = (1−ρ)·n·EᵀE', () => {
    fc.assert(
      fc.property(dims, fc.double({ min: 0, max: 0.999, noNaN: true }), ({ n, d, seed }, rho) => {
        const x = inputBatch(n, d, seed);
        const e = gradientBatch(n, d, seed + 1);
        for (const [side, b] of [
          ['A', x],
          ['G', e],
        ] as const) {
          const m = rowsOf(brandIncrement(side, awkwardView(b), rho));
          expect(m.length).toBe(b[0]!.length);
          const want = scale(batchStatistic(side, b), 1 - rho);
          expectClose(mul(m, transpose(m)), want, 8 * n, maxAbs(want));
        }
      }),
    );
  });

  it('brandIncrement writes into out', () => {
    const out = zeros(2, 1);
    expect(brandIncrement('A', matOf([[3, 4]]), 0, out)).toBe(out);
    expect(rowsOf(out)).toEqual([[3], [4]]);
  });

  it('batchScale', () => {
    expect([batchScale('A', 8), batchScale('G', 8)]).toEqual([0.125, 8]);
    expect(() => batchScale('A', 0)).toThrow(InvalidArgumentError);
    expect(() => batchScale('B' as never, 2)).toThrow(InvalidArgumentError);
  });

  it('appendOnesColumn', () => {
    expect(
      rowsOf(
        appendOnesColumn(
          awkwardView([
            [1, 2],
            [3, 4],
          ]),
        ),
      ),
    ).toEqual([
      [1, 2, 1],
      [3, 4, 1],
    ]);
    expect(rowsOf(appendOnesColumn(zeros(0, 3)))).toEqual([]);
    expect(() => appendOnesColumn(zeros(2, 2), zeros(2, 2))).toThrow(ShapeError);
  });

  it.each([
    ['no rows', zeros(0, 3), ShapeError],
    ['a NaN', matOf([[1, Number.NaN]]), NonFiniteError],
    ['not a matrix', [[1, 2]] as never, InvalidArgumentError],
  ])('rejects a batch with %s', (_name, batch, error) => {
    expect(() => batchFactor('A', batch)).toThrow(error);
    expect(() => brandIncrement('G', batch, 0.9)).toThrow(error);
  });

  it('rejects a bad decay or out shape', () => {
    expect(() => brandIncrement('A', matOf([[1]]), 1)).toThrow(InvalidArgumentError);
    expect(() => brandIncrement('A', matOf([[1, 2]]), 0.5, zeros(1, 1))).toThrow(ShapeError);
  });
});

describe('exponential average', () => {
  it('K ← ρK + (1−ρ)K_b in place', () => {
    fc.assert(
      fc.property(dims, fc.double({ min: 0, max: 0.99, noNaN: true }), ({ n, d, seed }, rho) => {
        const start = batchStatistic('G', gradientBatch(n + 2, d, seed + 5));
        const k = matOf(start);
        const b = inputBatch(n, d - 1, seed);
        expect(exponentialAverageInPlace(k, 'A', matOf(b), rho)).toBe(k);
        const want = add(scale(start, rho), scale(batchStatistic('A', b), 1 - rho));
        expectClose(rowsOf(k), want, 8 * n, maxAbs(want));
        const r = rowsOf(k);
        r.forEach((row, i) => row.forEach((v, j) => expect(v).toBe(r[j]![i]))); // exactly symmetric
      }),
    );
  });

  it('zero initialisation plus ρ^k·I equals identity initialisation', () => {
    fc.assert(
      fc.property(dims, fc.integer({ min: 1, max: 8 }), ({ n, d, seed }, steps) => {
        const rho = 0.95;
        const zero = matOf(zerosRows(d, d));
        const ident = eye(d);
        const list = Array.from({ length: steps }, (_, t) => gradientBatch(n, d, seed + t));
        for (const b of list) {
          exponentialAverageInPlace(zero, 'G', matOf(b), rho);
          exponentialAverageInPlace(ident, 'G', matOf(b), rho);
        }
        const lifted = add(rowsOf(zero), scale(identityRows(d), rho ** steps));
        expectClose(lifted, rowsOf(ident), 4 * steps * n, 1 + maxAbs(rowsOf(ident)));
        expectClose(
          rowsOf(zero),
          zeroInitAverage('G', list, rho, d),
          8 * steps * n,
          maxAbs(rowsOf(zero)),
        );
      }),
    );
  });

  it('rejects mismatched shapes', () => {
    expect(() => exponentialAverageInPlace(zeros(2, 2), 'A', matOf([[1, 2, 3]]), 0.5)).toThrow(
      ShapeError,
    );
    expect(() => exponentialAverageInPlace(zeros(2, 3), 'A', matOf([[1, 2]]), 0.5)).toThrow(
      ShapeError,
    );
  });
});

describe('spectral decay of the average', () => {
  it('λ_{s·n+1}(K_k) ≤ ρ^s·max_j ‖K_b^{(j)}‖₂ for every s (zero-initialised EA of rank-n batches)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 6, max: 16 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 1e6 }),
        (n, d, steps, seed) => {
          const rho = 0.8;
          const k = zeros(d, d);
          let largest = 0;
          for (let t = 0; t < steps; t++) {
            const b = gradientBatch(n, d, seed + t).map((r) => r.map((v) => v * (1 + t)));
            largest = Math.max(largest, jacobiEigenvalues(batchStatistic('G', b))[0]!);
            exponentialAverageInPlace(k, 'G', matOf(b), rho);
          }
          const spectrum = jacobiEigenvalues(rowsOf(k));
          for (let s = 0; s * n < d; s++) {
            expect(spectrum[s * n]!).toBeLessThanOrEqual(
              rho ** s * largest * (1 + 1e-12) + 1e-14 * largest,
            );
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
