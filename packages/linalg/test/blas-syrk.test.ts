import fc from 'fast-check';
import ndarray from 'ndarray';
import { InvalidArgumentError, NonFiniteError, ShapeError, syrk, zeros } from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
import {
  arbSeed,
  awkwardView,
  EPS,
  matOf,
  mul,
  randomRows,
  rowsOf,
  transpose,
  zerosRows,
} from '../../../test-support/reference';
import type { Rows } from '../../../test-support/reference';

/** |C − C_ref| ≤ C_TOL·(k + 2)·eps·(|alpha|·(|G||Gᵀ|) + |beta|·|C0|) entrywise, C_TOL = 1. */
const C_TOL = 1;

/** Asserts exact symmetry and the componentwise bound against alpha·G·Gᵀ + beta·C0 (G = op(A)). */
function expectSyrk(out: Matrix, g: Rows, n: number, alpha: number, beta: number, c0: Rows): void {
  const k = g[0]?.length ?? 0;
  const gt = transpose(g);
  const prod = k === 0 ? zerosRows(n, n) : mul(g, gt);
  const mag =
    k === 0
      ? zerosRows(n, n)
      : mul(
          g.map((r) => r.map(Math.abs)),
          gt.map((r) => r.map(Math.abs)),
        );
  const c = rowsOf(out);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (c[i]![j] !== c[j]![i]) throw new Error(`C[${i},${j}] != C[${j},${i}]`);
      const want = alpha * prod[i]![j]! + beta * c0[i]![j]!;
      const bound =
        C_TOL * (k + 2) * EPS * (Math.abs(alpha) * mag[i]![j]! + Math.abs(beta * c0[i]![j]!));
      const err = Math.abs(c[i]![j]! - want);
      if (!(err <= bound))
        throw new Error(`C[${i},${j}] = ${c[i]![j]}, want ${want} (err ${err} > ${bound})`);
    }
  }
}

function randomSymmetric(n: number, seed: number): Rows {
  const r = randomRows(n, n, seed);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) r[j]![i] = r[i]![j]!;
  return r;
}

describe('syrk', () => {
  it('computes alpha·op(A)·op(A)ᵀ + beta·C exactly symmetric, any views, sizes 0..70', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 70 }),
        fc.boolean(),
        fc.constantFrom(1, -0.5, 2),
        fc.constantFrom(0, 1, 0.25),
        fc.boolean(),
        arbSeed,
        (n, k, trans, alpha, beta, awkward, seed) => {
          const g = randomRows(n, k, seed); // op(A), n x k
          const stored = trans ? (n === 0 ? [] : transpose(g)) : g;
          const rows = trans ? k : n;
          const a = awkward
            ? awkwardView(rows === 0 ? [] : stored, trans ? n : k)
            : matOf(stored, trans ? n : k);
          const c0 = randomSymmetric(n, seed + 1);
          const c = awkwardView(c0, n);
          expect(syrk(a, { trans, alpha, beta, out: c })).toBe(c);
          expectSyrk(c, g, n, alpha, beta, c0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([
    [1, 300],
    [65, 64],
    [129, 33],
    [200, 7],
  ])('is accurate across block boundaries: n=%i k=%i', (n, k) => {
    for (const trans of [false, true]) {
      const g = randomRows(n, k, n + k);
      const a = awkwardView(trans ? transpose(g) : g);
      const out = syrk(a, { trans, alpha: 0.75 });
      expect(out.shape).toEqual([n, n]);
      expectSyrk(out, g, n, 0.75, 0, zerosRows(n, n));
    }
  });

  it('reads only the lower triangle of out and overwrites NaN when beta = 0', () => {
    const g = randomRows(5, 4, 3);
    const c0 = randomSymmetric(5, 4);
    const c = matOf(c0);
    for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) c.set(i, j, Number.NaN);
    syrk(matOf(g), { beta: 2, out: c });
    expectSyrk(c, g, 5, 1, 2, c0);
    c.data.fill(Number.NaN);
    syrk(matOf(g), { out: c });
    expectSyrk(c, g, 5, 1, 0, zerosRows(5, 5));
  });

  describe('errors', () => {
    it('rejects an out of the wrong shape', () => {
      expect(() => syrk(zeros(3, 2), { out: zeros(2, 2) })).toThrow(ShapeError);
      expect(() => syrk(zeros(3, 2), { trans: true, out: zeros(3, 3) })).toThrow(ShapeError);
    });
    it('rejects non-2-D and non-float64 arguments', () => {
      expect(() => syrk(ndarray(new Float64Array(4), [4]))).toThrow(ShapeError);
      expect(() => syrk(ndarray(new Int32Array(4), [2, 2]) as unknown as Matrix)).toThrow(
        InvalidArgumentError,
      );
    });
    it('rejects non-finite entries and scalars', () => {
      const a = zeros(2, 2);
      a.set(1, 0, Number.NaN);
      expect(() => syrk(a)).toThrow(NonFiniteError);
      const c = zeros(2, 2);
      c.set(1, 0, Number.POSITIVE_INFINITY);
      expect(() => syrk(zeros(2, 2), { out: c, beta: 1 })).toThrow(NonFiniteError);
      expect(() => syrk(zeros(2, 2), { alpha: Number.NaN })).toThrow(InvalidArgumentError);
    });
  });
});
