import fc from 'fast-check';
import ndarray from 'ndarray';
import {
  add,
  copy,
  fromArray,
  InvalidArgumentError,
  NonFiniteError,
  norm2,
  normFro,
  normMax,
  scale,
  ShapeError,
  sub,
  symmetrize,
  symmetrizeInPlace,
  trace,
  transposeCopy,
  zeros,
} from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
import {
  arbSeed,
  awkwardView,
  EPS,
  frob,
  matOf,
  matrixWithSingularValues,
  maxAbs,
  randomRows,
  referenceSingularValues,
  rowsOf,
  transpose,
} from '../../../test-support/reference';

const arbShape = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }));

describe('normFro and normMax', () => {
  it('match the naive norms on awkward views', () => {
    fc.assert(
      fc.property(arbShape, arbSeed, ([m, n], seed) => {
        const r = randomRows(m, n, seed);
        const a = awkwardView(r, n);
        // Two-pass scaled sum vs. plain sum: both within (mn + 2)·eps relative.
        expect(Math.abs(normFro(a) - frob(r))).toBeLessThanOrEqual((m * n + 2) * EPS * frob(r));
        expect(normMax(a)).toBe(maxAbs(r));
      }),
    );
  });
  it('neither overflow nor underflow on graded entries', () => {
    expect(normFro(matOf([[1e300, 1e300]]))).toBeCloseTo(Math.SQRT2 * 1e300, -285);
    expect(normFro(matOf([[3e-320, 4e-320]])) / 5e-320).toBeCloseTo(1, 2);
    expect(normFro(matOf([[1e-150, 1e150]]))).toBe(1e150);
    expect(normFro(zeros(3, 2))).toBe(0);
    expect(normMax(zeros(0, 2))).toBe(0);
  });
});

describe('norm2', () => {
  it('estimates σ_max to about `tolerance` when the top singular values are separated', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 2, max: 30 }),
        arbSeed,
        (m, n, seed) => {
          const k = Math.min(m, n);
          const s = Array.from({ length: k }, (_, i) => (i === 0 ? 3 : 1.5 / (i + 1)));
          const a = matOf(matrixWithSingularValues(m, n, s, seed));
          const est = norm2(a, { seed });
          // Reference values come from a matrix with known singular values (rounding ~ n·eps).
          expect(Math.abs(est - 3) / 3).toBeLessThanOrEqual(1e-9);
          expect(est).toBeLessThanOrEqual(3 * (1 + 64 * EPS));
        },
      ),
      { numRuns: 30 },
    );
  });
  it('agrees with the Jacobi reference on Gaussian matrices and transposed views', () => {
    const r = randomRows(25, 12, 9);
    const want = referenceSingularValues(r)[0]!;
    for (const a of [awkwardView(r), matOf(transpose(r)).transpose(1, 0)]) {
      expect(Math.abs(norm2(a) - want) / want).toBeLessThanOrEqual(1e-6);
    }
  });
  it('is a deterministic lower bound even without a gap', () => {
    const a = matOf(matrixWithSingularValues(20, 20, [2, 2, 2, 1], 3));
    const e1 = norm2(a, { seed: 5 });
    expect(norm2(a, { seed: 5 })).toBe(e1);
    expect(e1).toBeLessThanOrEqual(2 * (1 + 64 * EPS));
    expect(e1).toBeGreaterThan(2 * (1 - 1e-9));
  });
  it('stops as soon as two successive estimates agree to the tolerance', () => {
    const a = matOf(matrixWithSingularValues(30, 30, [1, 0.99, 0.98], 4));
    // Slow convergence (σ₂/σ₁ = 0.99): a loose tolerance stops after a few iterations, well before 50.
    const loose = norm2(a, { tolerance: 0.5 });
    const prefix = Array.from({ length: 10 }, (_, i) =>
      norm2(a, { tolerance: 0, maxIterations: i + 1 }),
    );
    expect(prefix).toContain(loose);
    expect(loose).toBeLessThan(norm2(a, { tolerance: 0, maxIterations: 50 }));
  });
  it('respects the iteration budget (lower bound after one iteration)', () => {
    const a = matOf(matrixWithSingularValues(30, 30, [1, 0.99, 0.98], 4));
    const one = norm2(a, { maxIterations: 1 });
    expect(one).toBeLessThanOrEqual(1 + 64 * EPS);
    expect(norm2(a)).toBeGreaterThanOrEqual(one);
  });
  it('handles zero, empty, 1x1 and graded matrices', () => {
    expect(norm2(zeros(4, 3))).toBe(0);
    expect(norm2(zeros(0, 3))).toBe(0);
    expect(norm2(matOf([[-7]]))).toBe(7);
    // Default tolerance = 1e-10: the estimates are accurate to about that, relative.
    const big = norm2(
      matOf([
        [1e300, 0],
        [0, 1e150],
      ]),
    );
    expect(Math.abs(big / 1e300 - 1)).toBeLessThanOrEqual(1e-10);
    expect(
      Math.abs(
        norm2(
          matOf([
            [1e-300, 0],
            [0, 2e-300],
          ]),
        ) /
          2e-300 -
          1,
      ),
    ).toBeLessThanOrEqual(1e-10);
  });
  it('rejects invalid options and non-finite input', () => {
    const a = zeros(2, 2);
    expect(() => norm2(a, { tolerance: -1 })).toThrow(InvalidArgumentError);
    expect(() => norm2(a, { maxIterations: 0 })).toThrow(InvalidArgumentError);
    expect(() => norm2(a, { seed: 0.5 })).toThrow(InvalidArgumentError);
    expect(() => norm2(matOf([[Number.NaN]]))).toThrow(NonFiniteError);
  });
});

describe('transposeCopy, symmetrize, symmetrizeInPlace', () => {
  it('transposeCopy copies Aᵀ into fresh storage', () => {
    fc.assert(
      fc.property(arbShape, arbSeed, ([m, n], seed) => {
        const r = randomRows(m, n, seed);
        const t = transposeCopy(awkwardView(r, n));
        expect(t.shape).toEqual([n, m]);
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) expect(t.get(i, j)).toBe(r[j]![i]);
      }),
      { numRuns: 20 },
    );
  });
  it('symmetrize returns (A + Aᵀ)/2, exactly symmetric, leaving A alone', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), arbSeed, (n, seed) => {
        const r = randomRows(n, n, seed);
        const a = awkwardView(r, n);
        const s = rowsOf(symmetrize(a));
        expect(rowsOf(a)).toEqual(r);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            expect(s[i]![j]).toBe(s[j]![i]);
            expect(Math.abs(s[i]![j]! - (r[i]![j]! + r[j]![i]!) / 2)).toBeLessThanOrEqual(
              EPS * Math.abs(r[i]![j]! + r[j]![i]!),
            );
          }
        }
      }),
      { numRuns: 20 },
    );
  });
  it('symmetrizeInPlace works on a strided view without overflow', () => {
    const a = awkwardView([
      [1, 1.7e308],
      [1.7e308, 2],
    ]);
    expect(symmetrizeInPlace(a)).toBe(a);
    expect(rowsOf(a)).toEqual([
      [1, 1.7e308],
      [1.7e308, 2],
    ]);
    const b = matOf([
      [0, 2],
      [4, 0],
    ]);
    symmetrizeInPlace(b.transpose(1, 0));
    expect(rowsOf(b)).toEqual([
      [0, 3],
      [3, 0],
    ]);
  });
  it('rejects non-square, non-2-D and non-finite input', () => {
    expect(() => symmetrize(zeros(2, 3))).toThrow(ShapeError);
    expect(() => symmetrizeInPlace(zeros(3, 2))).toThrow(ShapeError);
    expect(() => symmetrize(matOf([[Number.NaN]]))).toThrow(NonFiniteError);
    expect(() => symmetrizeInPlace(matOf([[Number.NaN]]))).toThrow(NonFiniteError);
    expect(() => transposeCopy(ndarray(new Float64Array(2), [2]))).toThrow(ShapeError);
  });
});

describe('scale, add, sub, trace', () => {
  it('agree with element-wise arithmetic on awkward views', () => {
    fc.assert(
      fc.property(arbShape, arbSeed, ([m, n], seed) => {
        const x = randomRows(m, n, seed);
        const y = randomRows(m, n, seed + 1);
        const a = awkwardView(x, n);
        const b = matOf(y, n);
        expect(rowsOf(scale(a, -2.5))).toEqual(x.map((r) => r.map((v) => -2.5 * v)));
        expect(rowsOf(add(a, b))).toEqual(x.map((r, i) => r.map((v, j) => v + y[i]![j]!)));
        expect(rowsOf(sub(a, b))).toEqual(x.map((r, i) => r.map((v, j) => v - y[i]![j]!)));
      }),
      { numRuns: 20 },
    );
  });
  it('trace sums the diagonal of any view', () => {
    const r = randomRows(5, 5, 2);
    let t = 0;
    for (let i = 0; i < 5; i++) t += r[i]![i]!;
    expect(trace(awkwardView(r))).toBe(t);
    expect(trace(zeros(0, 0))).toBe(0);
  });
  it('reject mismatched shapes, bad scalars and non-finite input', () => {
    expect(() => add(zeros(2, 2), zeros(2, 3))).toThrow(ShapeError);
    expect(() => sub(zeros(2, 2), zeros(3, 2))).toThrow(ShapeError);
    expect(() => scale(zeros(2, 2), Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
    expect(() => add(matOf([[Number.NaN]]), zeros(1, 1))).toThrow(NonFiniteError);
    expect(() => sub(zeros(1, 1), matOf([[Number.NaN]]))).toThrow(NonFiniteError);
    expect(() => scale(matOf([[Number.NaN]]), 1)).toThrow(NonFiniteError);
    expect(() => trace(zeros(2, 3))).toThrow(ShapeError);
    expect(() => trace(matOf([[Number.NaN]]))).toThrow(NonFiniteError);
    expect(() => add({} as Matrix, zeros(1, 1))).toThrow(InvalidArgumentError);
  });
});

describe('allocation and storage-order arguments', () => {
  it('zeros of an impossible size is a typed error naming the size', () => {
    expect(() => zeros(1e6, 1e6)).toThrow(InvalidArgumentError);
    expect(() => zeros(1e6, 1e6)).toThrow(
      "zeros: argument 'm, n' must be a matrix that fits in memory",
    );
  });

  it('an order other than row or col is rejected by zeros, fromArray and copy', () => {
    expect(() => zeros(2, 2, 'colum' as never)).toThrow("zeros: argument 'order'");
    expect(() => fromArray(new Float64Array(4), [2, 2], 'c' as never)).toThrow(
      "fromArray: argument 'order'",
    );
    expect(() => copy(zeros(2, 2), 'ROW' as never)).toThrow("copy: argument 'order'");
    expect(zeros(2, 3, 'col').stride).toEqual([1, 2]);
  });
});
