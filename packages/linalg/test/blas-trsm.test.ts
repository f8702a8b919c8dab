import fc from 'fast-check';
import ndarray from 'ndarray';
import { InvalidArgumentError, NonFiniteError, ShapeError, trsm, zeros } from '@bkfac/linalg';
import type { Matrix, TrsmSide } from '@bkfac/linalg';
import {
  arbSeed,
  awkwardView,
  EPS,
  matOf,
  mul,
  randomRows,
  rowsOf,
  transpose,
} from '../../../test-support/reference';
import type { Rows } from '../../../test-support/reference';

/**
 * Triangular solves are backward stable componentwise: the residual obeys
 * |alpha·B − op(A)·X| ≤ C_TOL·(n + 2)·eps·(|op(A)||X| + |alpha·B|), C_TOL = 2
 * (one factor for the solve, one for the naive multiply-back).
 */
const C_TOL = 2;

interface Triangle {
  /** The triangular matrix as used (zeros outside the triangle, unit diagonal if flagged). */
  readonly t: Rows;
  /** The stored matrix: NaN outside the named triangle (and on a unit diagonal), never read. */
  readonly stored: Rows;
}

/** Random triangular matrix with diagonal magnitudes in [1, 2] and off-diagonal entries N(0, 1)/sqrt(n). */
function triangle(n: number, lower: boolean, unit: boolean, seed: number): Triangle {
  const g = randomRows(n, n, seed);
  const t: Rows = [];
  const stored: Rows = [];
  for (let i = 0; i < n; i++) {
    const tr: number[] = [];
    const sr: number[] = [];
    for (let j = 0; j < n; j++) {
      const inside = lower ? j < i : j > i;
      const diag = Math.sign(g[i]![j]!) * (1 + Math.abs(g[i]![j]!) / 4) || 1;
      const v = i === j ? (unit ? 1 : diag) : inside ? g[i]![j]! / Math.sqrt(n) : 0;
      tr.push(v);
      sr.push(inside || (i === j && !unit) ? v : Number.NaN);
    }
    t.push(tr);
    stored.push(sr);
  }
  return { t, stored };
}

function expectSolved(x: Matrix, b: Rows, opA: Rows, side: TrsmSide, alpha: number): void {
  const xr = rowsOf(x);
  const absX = xr.map((r) => r.map(Math.abs));
  const absA = opA.map((r) => r.map(Math.abs));
  const back = side === 'left' ? mul(opA, xr) : mul(xr, opA);
  const mag = side === 'left' ? mul(absA, absX) : mul(absX, absA);
  const n = opA.length;
  for (let i = 0; i < b.length; i++) {
    for (let j = 0; j < b[i]!.length; j++) {
      const want = alpha * b[i]![j]!;
      const bound = C_TOL * (n + 2) * EPS * (mag[i]![j]! + Math.abs(want));
      const err = Math.abs(back[i]![j]! - want);
      if (!(err <= bound)) throw new Error(`residual[${i},${j}] = ${err} > ${bound}`);
    }
  }
}

describe('trsm', () => {
  it('solves op(A)·X = alpha·B and X·op(A) = alpha·B for every flag combination and view', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom<TrsmSide>('left', 'right'),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(1, -2, 0.5),
        arbSeed,
        (n, r, side, lower, transA, unitDiagonal, alpha, seed) => {
          const { t, stored } = triangle(n, lower, unitDiagonal, seed);
          const [bm, bn] = side === 'left' ? [n, r] : [r, n];
          const b = randomRows(bm, bn, seed + 1);
          const bView = awkwardView(b, bn);
          const x = trsm(awkwardView(stored, n), bView, {
            side,
            lower,
            transA,
            unitDiagonal,
            alpha,
          });
          expect(x.shape).toEqual([bm, bn]);
          expect(x).not.toBe(bView);
          expect(rowsOf(bView)).toEqual(b);
          expectSolved(x, b, transA ? transpose(t) : t, side, alpha);
        },
      ),
      { numRuns: 80 },
    );
  });

  it.each([
    ['left', 129, 70],
    ['right', 70, 129],
    ['left', 200, 3],
  ] as const)('handles larger systems: side=%s, B %i x %i', (side, bm, bn) => {
    const n = side === 'left' ? bm : bn;
    for (const lower of [false, true]) {
      for (const transA of [false, true]) {
        const { t, stored } = triangle(n, lower, false, n + bm);
        const b = randomRows(bm, bn, bn);
        const x = trsm(matOf(stored), matOf(b), { side, lower, transA, alpha: 1.5 });
        expectSolved(x, b, transA ? transpose(t) : t, side, 1.5);
      }
    }
  });

  it('defaults to a lower, non-transposed, left solve', () => {
    const x = trsm(
      matOf([
        [2, 0],
        [1, 1],
      ]),
      matOf([[2], [3]]),
    );
    expect(rowsOf(x)).toEqual([[1], [2]]);
  });

  describe('errors', () => {
    it('rejects a non-square or mismatched a', () => {
      expect(() => trsm(zeros(2, 3), zeros(2, 2))).toThrow(ShapeError);
      expect(() => trsm(zeros(3, 3), zeros(2, 2))).toThrow(ShapeError);
      expect(() => trsm(zeros(3, 3), zeros(2, 3), { side: 'left' })).toThrow(ShapeError);
    });
    it('rejects non-2-D and non-float64 arguments', () => {
      expect(() => trsm(ndarray(new Float64Array(4), [4]), zeros(2, 2))).toThrow(ShapeError);
      expect(() => trsm(zeros(2, 2), ndarray([1, 2, 3, 4], [2, 2]) as unknown as Matrix)).toThrow(
        InvalidArgumentError,
      );
    });
    it('rejects an invalid side or alpha', () => {
      expect(() => trsm(zeros(1, 1), zeros(1, 1), { side: 'top' as TrsmSide })).toThrow(
        InvalidArgumentError,
      );
      expect(() => trsm(matOf([[1]]), zeros(1, 1), { alpha: Number.NaN })).toThrow(
        InvalidArgumentError,
      );
    });
    it('rejects a singular triangle (zero pivot)', () => {
      expect(() =>
        trsm(
          matOf([
            [1, 0],
            [5, 0],
          ]),
          zeros(2, 1),
        ),
      ).toThrow(InvalidArgumentError);
    });
    it('rejects a solve that overflows', () => {
      const a = matOf([
        [1e-300, 0],
        [0, 1],
      ]);
      expect(() => trsm(a, matOf([[1e300], [1]]))).toThrow(InvalidArgumentError);
    });
    it('rejects non-finite entries in the read triangle or in b', () => {
      expect(() =>
        trsm(
          matOf([
            [1, 0],
            [Number.NaN, 1],
          ]),
          zeros(2, 1),
        ),
      ).toThrow(NonFiniteError);
      expect(() =>
        trsm(
          matOf([
            [1, 0],
            [0, 1],
          ]),
          matOf([[1], [Number.POSITIVE_INFINITY]]),
        ),
      ).toThrow(NonFiniteError);
      // The unread triangle may hold anything.
      expect(() =>
        trsm(
          matOf([
            [1, Number.NaN],
            [0, 1],
          ]),
          zeros(2, 1),
        ),
      ).not.toThrow();
    });
  });
});
