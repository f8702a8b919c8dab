import fc from 'fast-check';
import ndarray from 'ndarray';
import {
  axpy,
  dot,
  gemv,
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
  zeros,
} from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
import {
  arbSeed,
  awkwardView,
  EPS,
  matOf,
  randomRows,
  transpose,
} from '../../../test-support/reference';

/** Dot-product style bound: |got − want| ≤ C_TOL·(n + 2)·eps·Σ|x_i y_i| (+ |beta·y0| term), C_TOL = 1. */
const C_TOL = 1;

const vector = (n: number, seed: number): Float64Array =>
  Float64Array.from(randomRows(1, n, seed)[0] ?? []);

describe('gemv', () => {
  it('computes alpha·op(A)·x + beta·y for random shapes, transposes and views', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 70 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(1, -0.5, 0),
        fc.constantFrom(0, 1, 2),
        arbSeed,
        (m, n, trans, awkward, alpha, beta, seed) => {
          const rows = randomRows(m, n, seed);
          const a = awkward ? awkwardView(rows, n) : matOf(rows, n);
          const op = trans
            ? m === 0
              ? Array.from({ length: n }, () => [])
              : transpose(rows)
            : rows;
          const x = vector(trans ? m : n, seed + 1);
          const y0 = vector(trans ? n : m, seed + 2);
          const y = y0.slice();
          expect(gemv(a, x, { trans, alpha, beta, out: y })).toBe(y);
          for (let i = 0; i < y.length; i++) {
            let s = 0;
            let mag = 0;
            for (let j = 0; j < x.length; j++) {
              s += op[i]![j]! * x[j]!;
              mag += Math.abs(op[i]![j]! * x[j]!);
            }
            const want = alpha * s + beta * y0[i]!;
            const bound =
              C_TOL * (x.length + 2) * EPS * (Math.abs(alpha) * mag + Math.abs(beta * y0[i]!));
            if (!(Math.abs(y[i]! - want) <= bound))
              throw new Error(`y[${i}] = ${y[i]}, want ${want}`);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('returns a fresh vector without out and overwrites NaN in out when beta = 0', () => {
    const a = matOf([
      [1, 2],
      [3, 4],
    ]);
    expect(Array.from(gemv(a, new Float64Array([1, -1])))).toEqual([-1, -1]);
    const y = new Float64Array([Number.NaN, Number.NaN]);
    gemv(a, new Float64Array([1, 1]), { trans: true, out: y });
    expect(Array.from(y)).toEqual([4, 6]);
  });

  describe('errors', () => {
    const a = zeros(2, 3);
    it('rejects x or out of the wrong length', () => {
      expect(() => gemv(a, new Float64Array(2))).toThrow(ShapeError);
      expect(() => gemv(a, new Float64Array(3), { out: new Float64Array(3) })).toThrow(ShapeError);
      expect(() => gemv(a, new Float64Array(3), { trans: true })).toThrow(ShapeError);
    });
    it('rejects non-Float64Array vectors and non-matrices', () => {
      expect(() => gemv(a, [1, 2, 3] as unknown as Float64Array)).toThrow(InvalidArgumentError);
      expect(() => gemv(ndarray(new Float64Array(3), [3]), new Float64Array(3))).toThrow(
        ShapeError,
      );
      expect(() => gemv({} as Matrix, new Float64Array(3))).toThrow(InvalidArgumentError);
    });
    it('rejects non-finite entries and scalars', () => {
      expect(() => gemv(a, new Float64Array([1, Number.NaN, 0]))).toThrow(NonFiniteError);
      const bad = zeros(2, 3);
      bad.set(1, 2, Number.NEGATIVE_INFINITY);
      expect(() => gemv(bad, new Float64Array(3))).toThrow(NonFiniteError);
      expect(() =>
        gemv(a, new Float64Array(3), { beta: 1, out: new Float64Array([0, Number.NaN]) }),
      ).toThrow(NonFiniteError);
      expect(() => gemv(a, new Float64Array(3), { alpha: Number.NaN })).toThrow(
        InvalidArgumentError,
      );
    });
  });
});

describe('dot', () => {
  it('matches the naive sum within the dot-product bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), arbSeed, (n, seed) => {
        const x = vector(n, seed);
        const y = vector(n, seed + 1);
        let s = 0;
        let mag = 0;
        for (let i = 0; i < n; i++) {
          s += x[i]! * y[i]!;
          mag += Math.abs(x[i]! * y[i]!);
        }
        expect(Math.abs(dot(x, y) - s)).toBeLessThanOrEqual(C_TOL * (n + 2) * EPS * mag);
      }),
    );
  });
  it('is 0 for empty vectors and exact on small integers', () => {
    expect(dot(new Float64Array(0), new Float64Array(0))).toBe(0);
    expect(dot(new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6]))).toBe(32);
  });
  it('rejects length mismatches, non-Float64Array and non-finite inputs', () => {
    expect(() => dot(new Float64Array(2), new Float64Array(3))).toThrow(ShapeError);
    expect(() => dot(new Float32Array(2) as unknown as Float64Array, new Float64Array(2))).toThrow(
      InvalidArgumentError,
    );
    expect(() => dot(new Float64Array([Number.NaN]), new Float64Array(1))).toThrow(NonFiniteError);
  });
});

describe('axpy', () => {
  it('computes alpha·x + y into a fresh vector without touching y', () => {
    const y = new Float64Array([1, 1, 1]);
    const out = axpy(2, new Float64Array([1, 2, 3]), y);
    expect(Array.from(out)).toEqual([3, 5, 7]);
    expect(Array.from(y)).toEqual([1, 1, 1]);
  });
  it('writes into options.out and returns it', () => {
    const y = new Float64Array([1, 1]);
    const out = new Float64Array([Number.NaN, Number.NaN]);
    expect(axpy(-1, new Float64Array([1, 2]), y, { out })).toBe(out);
    expect(Array.from(out)).toEqual([0, -1]);
    expect(Array.from(y)).toEqual([1, 1]);
  });
  it('rejects an out that overlaps x or y (no in-place update), leaving both as they were', () => {
    const x = new Float64Array([1, 2]);
    const y = new Float64Array([1, 1]);
    expect(() => axpy(-1, x, y, { out: y })).toThrow("axpy: argument 'options.out'");
    expect(() => axpy(-1, x, y, { out: x.subarray(1) })).toThrow(ShapeError);
    const both = new Float64Array(3);
    expect(() => axpy(1, both.subarray(0, 2), y, { out: both.subarray(1) })).toThrow(
      InvalidArgumentError,
    );
    expect([Array.from(x), Array.from(y)]).toEqual([
      [1, 2],
      [1, 1],
    ]);
  });
  it('rejects length mismatches, bad scalars and non-finite inputs', () => {
    expect(() => axpy(1, new Float64Array(2), new Float64Array(3))).toThrow(ShapeError);
    expect(() =>
      axpy(1, new Float64Array(2), new Float64Array(2), { out: new Float64Array(1) }),
    ).toThrow(ShapeError);
    expect(() => axpy(Number.NaN, new Float64Array(1), new Float64Array(1))).toThrow(
      InvalidArgumentError,
    );
    expect(() => axpy(1, new Float64Array([Number.NaN]), new Float64Array(1))).toThrow(
      NonFiniteError,
    );
    expect(() => axpy(1, undefined as unknown as Float64Array, new Float64Array(1))).toThrow(
      InvalidArgumentError,
    );
  });
});
