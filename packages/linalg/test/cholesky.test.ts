import fc from 'fast-check';
import {
  InvalidArgumentError,
  NonFiniteError,
  NonSymmetricError,
  NotPositiveDefiniteError,
  ShapeError,
  cholesky,
  choleskySolve,
  fromRows,
  solveSpd,
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
  symmetricWithSpectrum,
  transpose,
} from '../../../test-support/reference';
import type { Rows } from '../../../test-support/reference';

/**
 * Stated constant of the bounds ‖A − LLᵀ‖_F <= C·n·eps·‖A‖_F and
 * ‖A·X − B‖_F <= C·n·eps·‖A‖_F·‖X‖_F (backward stability of Cholesky and of
 * triangular solves).
 */
const C = 2;

/** SPD matrix with eigenvalues spread geometrically from 1 down to 1/condition. */
function spd(n: number, condition: number, seed: number): Rows {
  const values = Array.from({ length: n }, (_, i) => condition ** (-i / Math.max(n - 1, 1)));
  return symmetricWithSpectrum(values, seed);
}

function checkFactor(a: Rows): Rows {
  const n = a.length;
  const l = rowsOf(cholesky(matOf(a, n)));
  // L is exactly lower triangular with a positive diagonal (one expect: they are slow).
  const offending = l.flatMap((row, i) =>
    row.filter((v, j) => (j > i && v !== 0) || (j === i && !(v > 0))),
  );
  expect(offending).toEqual([]);
  if (n > 0) expect(frob(sub(mul(l, transpose(l)), a))).toBeLessThanOrEqual(C * n * EPS * frob(a));
  return l;
}

/** `L·D·Lᵀ` with unit lower triangular random `L`: Cholesky's pivots are the entries of `d`. */
function withPivots(d: readonly number[], seed: number): Rows {
  const n = d.length;
  const l = randomRows(n, n, seed).map((row, i) =>
    row.map((v, j) => (j < i ? v / n : j === i ? 1 : 0)),
  );
  const a = mul(
    mul(
      l,
      d.map((x, i) => d.map((_, j) => (i === j ? x : 0))),
    ),
    transpose(l),
  );
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j]![i] = a[i]![j]!;
  return a;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('cholesky', () => {
  it('factors SPD matrices with condition numbers up to 1e12', () => {
    fc.assert(
      fc.property(arbSize(1, 80), arbSeed, fc.integer({ min: 0, max: 12 }), (n, seed, digits) => {
        checkFactor(spd(n, 10 ** digits, seed));
      }),
      { numRuns: 40 },
    );
  });

  it('factors matrices larger than a block', () => {
    for (const n of [49, 97, 150]) checkFactor(spd(n, 1e6, n));
  });

  it('is accurate entrywise on graded SPD matrices (Demmel: |ΔA_ij| <= c·n·eps·sqrt(a_ii·a_jj))', () => {
    fc.assert(
      fc.property(arbSize(1, 60), arbSeed, (n, seed) => {
        const d = Array.from({ length: n }, (_, i) => 10 ** (((i * 37 + seed) % 201) - 100));
        const a = spd(n, 100, seed).map((row, i) => row.map((v, j) => d[i]! * v * d[j]!));
        const l = rowsOf(cholesky(matOf(a)));
        const residual = sub(mul(l, transpose(l)), a);
        // Largest |ΔA_ij| / sqrt(a_ii·a_jj), formed without underflowing the product.
        const worst = Math.max(
          ...residual.flatMap((row, i) =>
            row.map((v, j) => Math.abs(v) / Math.sqrt(a[i]![i]!) / Math.sqrt(a[j]![j]!)),
          ),
        );
        expect(worst).toBeLessThanOrEqual(C * n * EPS);
      }),
      { numRuns: 30 },
    );
  });

  it('reports the first non-positive pivot of a matrix that becomes indefinite at a known step', () => {
    fc.assert(
      fc.property(arbSize(1, 110), arbSeed, fc.nat(), (n, seed, at) => {
        const p = at % n;
        const d = Array.from({ length: n }, (_, i) => (i === p ? -1 : 1));
        const e = thrown(() => cholesky(matOf(withPivots(d, seed))));
        expect(e).toBeInstanceOf(NotPositiveDefiniteError);
        expect((e as NotPositiveDefiniteError).pivot).toBe(p);
        expect((e as NotPositiveDefiniteError).fn).toBe('cholesky');
      }),
      { numRuns: 30 },
    );
  });

  it('rejects exactly semidefinite matrices at the zero pivot', () => {
    const ones = Array.from({ length: 5 }, () => [1, 1, 1, 1, 1]);
    expect((thrown(() => cholesky(matOf(ones))) as NotPositiveDefiniteError).pivot).toBe(1);
    expect(
      (
        thrown(() =>
          cholesky(
            fromRows([
              [4, 2],
              [2, 1],
            ]),
          ),
        ) as NotPositiveDefiniteError
      ).pivot,
    ).toBe(1);
    const d = Array.from({ length: 70 }, (_, i) => (i === 60 ? 0 : 1));
    expect(
      (thrown(() => cholesky(matOf(withPivots(d, 3)))) as NotPositiveDefiniteError).pivot,
    ).toBe(60);
  });

  it('rejects a pivot of at most eps·a_jj (singular to working precision) and accepts one just above', () => {
    // Pivot 1 is (1 + x) − 1 = x exactly.
    const singular = fromRows([
      [1, 1],
      [1, 1 + EPS],
    ]);
    expect((thrown(() => cholesky(singular)) as NotPositiveDefiniteError).pivot).toBe(1);
    expect(
      rowsOf(
        cholesky(
          fromRows([
            [1, 1],
            [1, 1 + 4 * EPS],
          ]),
        ),
      ),
    ).toEqual([
      [1, 0],
      [1, 2 ** -25],
    ]);
  });

  it('on random semidefinite matrices either rejects a pivot at or after the rank or stays backward stable', () => {
    fc.assert(
      fc.property(arbSize(2, 60), arbSeed, fc.nat(), (n, seed, r0) => {
        const r = 1 + (r0 % (n - 1));
        const b = randomRows(n, r, seed);
        const a = mul(b, transpose(b));
        for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j]![i] = a[i]![j]!;
        try {
          checkFactor(a);
        } catch (e) {
          expect(e).toBeInstanceOf(NotPositiveDefiniteError);
          expect((e as NotPositiveDefiniteError).pivot).toBeGreaterThanOrEqual(r);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('handles 0x0, 1x1 and zero matrices', () => {
    expect(cholesky(zeros(0, 0)).shape).toEqual([0, 0]);
    expect(rowsOf(cholesky(fromRows([[6.25]])))).toEqual([[2.5]]);
    expect((thrown(() => cholesky(fromRows([[0]]))) as NotPositiveDefiniteError).pivot).toBe(0);
    expect((thrown(() => cholesky(fromRows([[-1]]))) as NotPositiveDefiniteError).pivot).toBe(0);
    expect((thrown(() => cholesky(zeros(4, 4))) as NotPositiveDefiniteError).pivot).toBe(0);
  });

  it('gives on transposed offset views exactly the result of a contiguous copy, input untouched', () => {
    fc.assert(
      fc.property(arbSize(0, 70), arbSeed, (n, seed) => {
        const a = spd(n, 1e3, seed);
        const view = awkwardView(a, n);
        const before = view.data.slice();
        expect(rowsOf(cholesky(view))).toEqual(rowsOf(cholesky(matOf(a, n))));
        expect(view.data).toEqual(before);
      }),
      { numRuns: 20 },
    );
  });

  it('rejects non-square, non-finite, non-symmetric and non-matrix input', () => {
    expect(() => cholesky(zeros(2, 3))).toThrow(ShapeError);
    expect(() =>
      cholesky(
        fromRows([
          [1, NaN],
          [NaN, 1],
        ]),
      ),
    ).toThrow(NonFiniteError);
    expect(() =>
      cholesky(
        fromRows([
          [2, 1],
          [0, 2],
        ]),
      ),
    ).toThrow(NonSymmetricError);
    expect(() => cholesky([[1]] as unknown as Matrix)).toThrow(InvalidArgumentError);
    expect(() => cholesky(fromRows([[-1]]))).toThrow(
      /cholesky: argument 'a' must be symmetric positive definite, received pivot 0 = -1/,
    );
  });
});

describe('choleskySolve and solveSpd', () => {
  it('solve with small backward error', () => {
    fc.assert(
      fc.property(
        arbSize(1, 80),
        arbSize(0, 6),
        arbSeed,
        fc.integer({ min: 0, max: 12 }),
        (n, k, seed, digits) => {
          const a = spd(n, 10 ** digits, seed);
          const b = randomRows(n, k, seed + 7);
          const x = rowsOf(choleskySolve(cholesky(matOf(a)), matOf(b, k)));
          expect(frob(sub(mul(a, x), b))).toBeLessThanOrEqual(C * n * EPS * frob(a) * frob(x));
          expect(rowsOf(solveSpd(matOf(a), awkwardView(b, k)))).toEqual(x);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('read only the lower triangle of l and accept views', () => {
    const a = spd(30, 10, 4);
    const l = rowsOf(cholesky(matOf(a)));
    const b = randomRows(30, 2, 5);
    const garbageAbove = l.map((row, i) => row.map((v, j) => (j > i ? 1e3 : v)));
    expect(rowsOf(choleskySolve(awkwardView(garbageAbove), awkwardView(b)))).toEqual(
      rowsOf(choleskySolve(matOf(l), matOf(b))),
    );
  });

  it('handle 0x0 systems', () => {
    expect(choleskySolve(zeros(0, 0), zeros(0, 3)).shape).toEqual([0, 3]);
    expect(solveSpd(zeros(0, 0), zeros(0, 1)).shape).toEqual([0, 1]);
  });

  it('reject bad shapes, non-finite entries, a singular factor and an overflowing solve', () => {
    const l = fromRows([
      [2, 0],
      [1, 1],
    ]);
    expect(() => choleskySolve(zeros(2, 3), zeros(2, 1))).toThrow(ShapeError);
    expect(() => choleskySolve(l, [[1], [2]] as unknown as Matrix)).toThrow(InvalidArgumentError);
    expect(() => choleskySolve(l, zeros(3, 1))).toThrow(
      /choleskySolve: argument 'b' must have shape \[2, any\]/,
    );
    expect(() => choleskySolve(l, fromRows([[1], [Infinity]]))).toThrow(NonFiniteError);
    expect(() =>
      choleskySolve(
        fromRows([
          [1, 0],
          [NaN, 1],
        ]),
        zeros(2, 1),
      ),
    ).toThrow(NonFiniteError);
    expect(() =>
      choleskySolve(
        fromRows([
          [1, 0],
          [1, 0],
        ]),
        zeros(2, 1),
      ),
    ).toThrow(/l\[1,1\] = 0/);
    expect(() => choleskySolve(fromRows([[1e-200]]), fromRows([[1e200]]))).toThrow(
      InvalidArgumentError,
    );
    expect(() => choleskySolve(fromRows([[1e-200]]), fromRows([[1e200]]))).toThrow(/overflows/);
  });

  it('solveSpd names itself in every error', () => {
    const indefinite = fromRows([
      [1, 2],
      [2, 1],
    ]);
    const e = thrown(() => solveSpd(indefinite, zeros(2, 1)));
    expect(e).toBeInstanceOf(NotPositiveDefiniteError);
    expect((e as Error).message).toMatch(/^solveSpd: argument 'a'/);
    const identity = fromRows([
      [1, 0],
      [0, 1],
    ]);
    expect(() =>
      solveSpd(
        fromRows([
          [1, 2],
          [0, 1],
        ]),
        zeros(2, 1),
      ),
    ).toThrow(NonSymmetricError);
    expect(() => solveSpd(zeros(2, 3), zeros(2, 1))).toThrow(ShapeError);
    expect(() => solveSpd(identity, zeros(1, 1))).toThrow(/^solveSpd: argument 'b'/);
    expect(() => solveSpd(identity, fromRows([[NaN], [0]]))).toThrow(NonFiniteError);
    expect(() => solveSpd(fromRows([[NaN]]), zeros(1, 1))).toThrow(
      /^solveSpd: argument 'a' must be finite/,
    );
    const tiny = fromRows([
      [1e-300, 0],
      [0, 1],
    ]);
    expect(() => solveSpd(tiny, fromRows([[1e300], [0]]))).toThrow(
      /^solveSpd: argument 'a'.*overflows/,
    );
  });
});
