import fc from 'fast-check';
import {
  InvalidArgumentError,
  lowRankSolve,
  NonFiniteError,
  ShapeError,
  zeros,
} from '@bkfac/linalg';
import {
  add,
  arbSeed,
  awkwardView,
  frob,
  identityRows,
  matOf,
  mul,
  randomRows,
  rowsOf,
  scale,
  sub,
} from '../../../test-support/reference';
import { EPS, randomBlock, randomRepresentation, reconstruct } from './lowrank-helpers';

/**
 * Stated constant of the residual bound `‖(K + μI)·X − M‖_F ≤ C·(d + r)·eps·‖K + μI‖_F·‖M‖_F/μ`:
 * the low-rank (Woodbury) formula sums terms of size `‖M‖/μ`, so its absolute error is `O(eps·‖M‖/μ)`
 * (a forward error `κ·eps`-relative, `κ = (λ_max + μ)/μ`, as for any stable solver).
 */
const C = 4;

describe('lowRankSolve', () => {
  it('equals the dense solve on the left and on the right', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        (seed, d, r0, c, mu) => {
          const r = Math.min(r0, d);
          const rep = randomRepresentation(d, r, seed, 100);
          const k = add(reconstruct(rep.values, rep.vectors), scale(identityRows(d), mu));
          const mLeft = randomRows(d, c, seed + 1);
          const left = rowsOf(lowRankSolve(rep.values, rep.vectors, mu, awkwardView(mLeft, c)));
          const bound = (m: number[][]) => (C * (d + r) * EPS * frob(k) * frob(m)) / mu;
          expect(frob(sub(mul(k, left), mLeft))).toBeLessThanOrEqual(bound(mLeft));
          const mRight = randomRows(c, d, seed + 2);
          const right = rowsOf(
            lowRankSolve(rep.values, rep.vectors, mu, matOf(mRight, d), { side: 'right' }),
          );
          expect(frob(sub(mul(right, k), mRight))).toBeLessThanOrEqual(bound(mRight));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('with r = d it is the dense inverse', () => {
    const d = 12;
    const mu = 0.3;
    const rep = randomRepresentation(d, d, 5, 50);
    const inverse = rowsOf(lowRankSolve(rep.values, rep.vectors, mu, matOf(identityRows(d), d)));
    const k = add(reconstruct(rep.values, rep.vectors), scale(identityRows(d), mu));
    expect(frob(sub(mul(k, inverse), identityRows(d)))).toBeLessThanOrEqual(
      (C * 2 * d * EPS * frob(k) * Math.sqrt(d)) / mu,
    );
  });

  it('accepts negative eigenvalues as long as λ + μ > 0', () => {
    const d = 6;
    const rep = randomRepresentation(d, 2, 6);
    const values = new Float64Array([0.5, -0.9]);
    const m = randomRows(d, 2, 7);
    const x = rowsOf(lowRankSolve(values, rep.vectors, 1, matOf(m, 2)));
    const k = add(reconstruct(values, rep.vectors), identityRows(d));
    expect(frob(sub(mul(k, x), m))).toBeLessThanOrEqual(1e-13);
  });

  it('writes into out without touching the inputs, and rejects an out that is m', () => {
    const d = 10;
    const rep = randomRepresentation(d, 3, 8);
    const m = randomBlock(d, 4, 9);
    const expected = rowsOf(lowRankSolve(rep.values, rep.vectors, 0.5, m));
    const out = zeros(d, 4, 'col');
    expect(lowRankSolve(rep.values, rep.vectors, 0.5, m, { out })).toBe(out);
    expect(rowsOf(out)).toEqual(expected);
    const before = rowsOf(m);
    expect(() => lowRankSolve(rep.values, rep.vectors, 0.5, m, { out: m })).toThrow(
      InvalidArgumentError,
    );
    expect(rowsOf(m)).toEqual(before);
  });

  it('handles r = 0 (pure damping) and an empty block', () => {
    const m = randomBlock(5, 2, 10);
    const x = lowRankSolve(new Float64Array(0), zeros(5, 0), 2, m);
    expect(rowsOf(x)).toEqual(rowsOf(m).map((row) => row.map((v) => v * 0.5)));
    expect(lowRankSolve(new Float64Array(0), zeros(5, 0), 2, zeros(5, 0)).shape).toEqual([5, 0]);
  });
});

describe('lowRankSolve: errors', () => {
  const d = 6;
  const rep = randomRepresentation(d, 2, 20);
  const m = randomBlock(d, 3, 21);
  const solve =
    (values: Float64Array, mu: number, mm = m, o?: object) =>
    () =>
      lowRankSolve(values, rep.vectors, mu, mm, o as never);

  it('rejects mu ≤ 0, NaN, Infinity, or so small that 1/mu overflows', () => {
    for (const mu of [0, -1, NaN, Infinity, 1e-320])
      expect(solve(rep.values, mu)).toThrow(InvalidArgumentError);
  });
  it('rejects eigenvalues with λ + μ ≤ 0', () => {
    expect(solve(new Float64Array([1, -2]), 1)).toThrow(/values\[1\]/);
    expect(solve(new Float64Array([1, -1]), 1)).toThrow(InvalidArgumentError);
  });
  it('rejects an unknown side', () => {
    expect(solve(rep.values, 1, m, { side: 'both' })).toThrow(InvalidArgumentError);
  });
  it('rejects blocks of the wrong shape for the side', () => {
    expect(solve(rep.values, 1, randomBlock(d + 1, 2, 22))).toThrow(ShapeError);
    expect(solve(rep.values, 1, m, { side: 'right' })).toThrow(ShapeError);
    expect(solve(rep.values, 1, m, { out: zeros(d, 2) })).toThrow(ShapeError);
  });
  it('rejects mismatched values and vectors', () => {
    expect(solve(new Float64Array(3), 1)).toThrow(ShapeError);
  });
  it('rejects a non-orthonormal basis', () => {
    const bad = matOf(
      rowsOf(rep.vectors).map((row) => row.map((x) => 2 * x)),
      2,
    );
    expect(() => lowRankSolve(rep.values, bad, 1, m)).toThrow(InvalidArgumentError);
  });
  it('rejects non-finite inputs', () => {
    const mm = rowsOf(m);
    mm[1]![2] = -Infinity;
    expect(solve(rep.values, 1, matOf(mm, 3))).toThrow(NonFiniteError);
    expect(solve(new Float64Array([NaN, 1]), 1)).toThrow(NonFiniteError);
  });
  it('reports an overflowing result instead of returning Infinity', () => {
    const huge = matOf(
      rowsOf(m).map((row) => row.map((x) => x * 1e300)),
      3,
    );
    expect(solve(rep.values, 1e-10, huge)).toThrow(InvalidArgumentError);
  });
});
