import fc from 'fast-check';
import {
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
  fromRows,
  lstsq,
  zeros,
} from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
import {
  EPS,
  arbSeed,
  arbSize,
  awkwardView,
  frob,
  matOf,
  mul,
  randomRows,
  rowsOf,
  sub,
  transpose,
} from '../../../test-support/reference';

/** Stated constant of ‖Aᵀ(B − A·X)‖_F <= C·m·eps·‖A‖_F·(‖A‖_F·‖X‖_F + ‖B‖_F) (backward stability). */
const C = 2;

describe('lstsq', () => {
  it('satisfies the normal equations to rounding accuracy, on views too', () => {
    fc.assert(
      fc.property(arbSize(1, 70), arbSize(0, 10), arbSize(0, 4), arbSeed, (n, extra, k, seed) => {
        const m = n + extra;
        const a = randomRows(m, n, seed);
        const b = randomRows(m, k, seed + 1);
        const x = lstsq(matOf(a), matOf(b, k));
        expect(x.shape).toEqual([n, k]);
        const xr = rowsOf(x);
        if (k === 0) return;
        const normal = mul(transpose(a), sub(b, mul(a, xr)));
        expect(frob(normal)).toBeLessThanOrEqual(
          C * m * EPS * frob(a) * (frob(a) * frob(xr) + frob(b)),
        );
        expect(rowsOf(lstsq(awkwardView(a), awkwardView(b, k)))).toEqual(xr);
      }),
      { numRuns: 40 },
    );
  });

  it('recovers the exact solution of a consistent system', () => {
    const a = randomRows(90, 40, 3);
    const x0 = randomRows(40, 2, 4);
    const x = rowsOf(lstsq(matOf(a), matOf(mul(a, x0))));
    expect(frob(sub(x, x0))).toBeLessThanOrEqual(1e-12 * frob(x0));
  });

  it('handles a system without unknowns', () => {
    expect(lstsq(zeros(3, 0), zeros(3, 2)).shape).toEqual([0, 2]);
  });

  it('rejects wide or mismatched shapes, non-finite entries, rank deficiency and overflow', () => {
    expect(() => lstsq(zeros(2, 3), zeros(2, 1))).toThrow(ShapeError);
    expect(() => lstsq(zeros(2, 1), 'b' as unknown as Matrix)).toThrow(InvalidArgumentError);
    expect(() => lstsq(zeros(3, 2), zeros(2, 1))).toThrow(
      /lstsq: argument 'b' must have shape \[3, any\]/,
    );
    expect(() => lstsq(fromRows([[1], [NaN]]), zeros(2, 1))).toThrow(NonFiniteError);
    expect(() => lstsq(fromRows([[1], [1]]), fromRows([[1], [Infinity]]))).toThrow(NonFiniteError);
    const duplicated = randomRows(10, 3, 5).map((row) => [row[0]!, row[1]!, row[0]!]);
    expect(() => lstsq(matOf(duplicated), zeros(10, 1))).toThrow(/column 2 numerically dependent/);
    expect(() => lstsq(zeros(4, 2), zeros(4, 1))).toThrow(InvalidArgumentError);
    expect(() => lstsq(fromRows([[1e-300], [0]]), fromRows([[1e300], [0]]))).toThrow(/overflows/);
  });
});
