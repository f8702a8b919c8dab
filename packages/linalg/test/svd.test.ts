import fc from 'fast-check';
import ndarray from 'ndarray';
import { InvalidArgumentError, NonFiniteError, ShapeError, svd } from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
import {
  EPS,
  arbSeed,
  arbSize,
  awkwardView,
  frob,
  matOf,
  matrixWithSingularValues,
  mul,
  orthogonalityError,
  randomRows,
  referenceSingularValues,
  rowsOf,
  sub,
  transpose,
  uniformStream,
  zerosRows,
} from '../../../test-support/reference';
import type { Rows } from '../../../test-support/reference';

// Every bound below is c·max(m, n)·eps (times ‖A‖_F) with this c; observed maxima are 1–3.
const C = 10;

type ValuesKind = 'random' | 'repeated' | 'clustered' | 'rank-deficient' | 'zero' | 'graded';

/** k singular values of the given kind (non-negative, unsorted). */
function singularValues(k: number, kind: ValuesKind, seed: number): number[] {
  const u = uniformStream(seed);
  switch (kind) {
    case 'random':
      return Array.from({ length: k }, () => 10 * u());
    case 'repeated':
      return Array.from({ length: k }, () => [1, 4][Math.floor(2 * u())]!);
    case 'clustered':
      return Array.from({ length: k }, (_, i) => 2 + (i % 5) * 1e-12);
    case 'rank-deficient': {
      const rank = Math.floor(u() * k);
      return Array.from({ length: k }, (_, i) => (i < rank ? 10 * u() : 0));
    }
    case 'zero':
      return new Array<number>(k).fill(0);
    case 'graded':
      return Array.from({ length: k }, () => 10 ** (-12 * u()));
  }
}

const arbKind = fc.constantFrom<ValuesKind>(
  'random',
  'repeated',
  'clustered',
  'rank-deficient',
  'zero',
  'graded',
);

/** An m x n test matrix with known singular values (zero when m or n is 0). */
function testMatrix(
  m: number,
  n: number,
  kind: ValuesKind,
  seed: number,
): { a: Rows; s: number[] } {
  const k = Math.min(m, n);
  if (k === 0) return { a: zerosRows(m, n), s: [] };
  const s = singularValues(k, kind, seed);
  return { a: matrixWithSingularValues(m, n, s, seed), s };
}

/** Σ_j s_j·u_j·v_jᵀ over the k singular triplets (U m x p, V n x q, p, q >= k). */
function product(u: Matrix, s: Float64Array, v: Matrix): Rows {
  const ur = rowsOf(u);
  const vr = rowsOf(v);
  const k = s.length;
  const left = ur.map((row) => row.slice(0, k).map((x, j) => x * s[j]!));
  const right = vr.map((row) => row.slice(0, k));
  return mul(left, transpose(right));
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function expectValidSvd(
  a: Rows,
  cols: number,
  result: { u: Matrix; s: Float64Array; v: Matrix },
  known: readonly number[],
  full: boolean,
): void {
  const m = a.length;
  const n = cols;
  const k = Math.min(m, n);
  const scale = frob(a);
  const tol = C * Math.max(m, n, 1) * EPS;
  expect(result.u.shape).toEqual([m, full ? m : k]);
  expect(result.v.shape).toEqual([n, full ? n : k]);
  expect(result.s).toHaveLength(k);
  const sorted = [...known].sort((x, y) => y - x);
  expect(maxDifference(result.s, sorted)).toBeLessThanOrEqual(tol * scale);
  for (let i = 0; i < k; i++) {
    expect(result.s[i]!).toBeGreaterThanOrEqual(0);
    if (i > 0) expect(result.s[i]!).toBeLessThanOrEqual(result.s[i - 1]!);
  }
  if (m > 0 && n > 0)
    expect(frob(sub(a, product(result.u, result.s, result.v)))).toBeLessThanOrEqual(tol * scale);
  if (result.u.shape[1]! > 0) expect(orthogonalityError(rowsOf(result.u))).toBeLessThanOrEqual(tol);
  if (result.v.shape[1]! > 0) expect(orthogonalityError(rowsOf(result.v))).toBeLessThanOrEqual(tol);
}

describe('svd', () => {
  it('decomposes tall, wide and square matrices of known singular values (thin)', () => {
    fc.assert(
      fc.property(arbSize(0, 60), arbSize(0, 60), arbKind, arbSeed, (m, n, kind, seed) => {
        const { a, s } = testMatrix(m, n, kind, seed);
        expectValidSvd(a, n, svd(matOf(a, n)), s, false);
      }),
      { numRuns: 60 },
    );
  });

  it('returns square orthogonal factors in full mode', () => {
    fc.assert(
      fc.property(arbSize(0, 40), arbSize(0, 40), arbKind, arbSeed, (m, n, kind, seed) => {
        const { a, s } = testMatrix(m, n, kind, seed);
        expectValidSvd(a, n, svd(matOf(a, n), { full: true }), s, true);
      }),
      { numRuns: 40 },
    );
  });

  it('agrees with an independent computation on unstructured random matrices', () => {
    fc.assert(
      fc.property(arbSize(1, 40), arbSize(1, 40), arbSeed, (m, n, seed) => {
        const a = randomRows(m, n, seed);
        expectValidSvd(a, n, svd(matOf(a, n)), referenceSingularValues(a), false);
      }),
      { numRuns: 30 },
    );
  });

  it('handles graded matrices with entries spanning 1e-150..1e150 (no overflow, no NaN)', () => {
    fc.assert(
      fc.property(arbSize(1, 30), arbSize(1, 30), arbSeed, (m, n, seed) => {
        const u = uniformStream(seed);
        const rowScale = Array.from({ length: m }, () => 10 ** (150 * u() - 75));
        const colScale = Array.from({ length: n }, () => 10 ** (150 * u() - 75));
        const a = randomRows(m, n, seed).map((row, i) =>
          row.map((x, j) => rowScale[i]! * x * colScale[j]!),
        );
        const result = svd(matOf(a, n));
        expect(result.s.every(Number.isFinite)).toBe(true);
        expect(result.u.data.every(Number.isFinite)).toBe(true);
        expect(result.v.data.every(Number.isFinite)).toBe(true);
        const scale = frob(a);
        const tol = C * Math.max(m, n) * EPS;
        expect(result.s[0]!).toBeLessThanOrEqual(scale * (1 + tol));
        expect(frob(sub(a, product(result.u, result.s, result.v)))).toBeLessThanOrEqual(
          tol * scale,
        );
        expect(orthogonalityError(rowsOf(result.u))).toBeLessThanOrEqual(tol);
        expect(orthogonalityError(rowsOf(result.v))).toBeLessThanOrEqual(tol);
      }),
      { numRuns: 25 },
    );
  });

  it('valuesOnly gives exactly the singular values of the full decomposition', () => {
    fc.assert(
      fc.property(arbSize(0, 50), arbSize(0, 50), arbKind, arbSeed, (m, n, kind, seed) => {
        const a = matOf(testMatrix(m, n, kind, seed).a, n);
        const only = svd(a, { valuesOnly: true });
        expect(Object.keys(only)).toEqual(['s']);
        expect(only.s).toEqual(svd(a).s);
      }),
      { numRuns: 30 },
    );
  });

  it('gives the same result on transposed and offset views, swaps factors for Aᵀ, and leaves the input untouched', () => {
    fc.assert(
      fc.property(arbSize(0, 40), arbSize(0, 40), arbKind, arbSeed, (m, n, kind, seed) => {
        const { a } = testMatrix(m, n, kind, seed);
        const contiguous = svd(matOf(a, n));
        const view = awkwardView(a, n);
        const before = Float64Array.from(view.data);
        const fromView = svd(view);
        expect(fromView.s).toEqual(contiguous.s);
        expect(rowsOf(fromView.u)).toEqual(rowsOf(contiguous.u));
        expect(rowsOf(fromView.v)).toEqual(rowsOf(contiguous.v));
        expect(view.data).toEqual(before);
        const ofTranspose = svd(matOf(transpose(a), m));
        const transposedView = svd(matOf(a, n).transpose(1, 0));
        expect(transposedView.s).toEqual(ofTranspose.s);
        expect(rowsOf(transposedView.u)).toEqual(rowsOf(ofTranspose.u));
        expect(ofTranspose.s).toEqual(contiguous.s);
        expect(rowsOf(ofTranspose.u)).toEqual(rowsOf(contiguous.v));
        expect(rowsOf(ofTranspose.v)).toEqual(rowsOf(contiguous.u));
      }),
      { numRuns: 25 },
    );
  });

  it('handles empty, single-entry, zero and exactly rank-one matrices', () => {
    const empty = svd(matOf(zerosRows(3, 0), 0), { full: true });
    expect(empty.s).toHaveLength(0);
    expect(rowsOf(empty.u)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(empty.v.shape).toEqual([0, 0]);
    const one = svd(matOf([[-3]]));
    expect(Math.abs(one.s[0]! - 3)).toBeLessThanOrEqual(4 * EPS * 3);
    expect(rowsOf(one.u)[0]![0]! * rowsOf(one.v)[0]![0]!).toBe(-1);
    const zero = svd(matOf(zerosRows(9, 5), 5), { full: true });
    expect(Array.from(zero.s)).toEqual([0, 0, 0, 0, 0]);
    expect(orthogonalityError(rowsOf(zero.u))).toBeLessThanOrEqual(C * 9 * EPS);
    expect(orthogonalityError(rowsOf(zero.v))).toBeLessThanOrEqual(C * 9 * EPS);
    const x = [1, 2, 3, 4];
    const y = [5, 6, 7];
    const rankOne = x.map((xi) => y.map((yj) => xi * yj));
    const r = svd(matOf(rankOne));
    expectValidSvd(rankOne, 3, r, [frob([x]) * frob([y]), 0, 0], false);
  });

  it('decomposes larger fixed cases (300 x 120 graded values, 150 x 200 rank-deficient)', () => {
    for (const [m, n, kind, seed] of [
      [300, 120, 'graded', 21],
      [150, 200, 'rank-deficient', 22],
    ] as const) {
      const { a, s } = testMatrix(m, n, kind, seed);
      expectValidSvd(a, n, svd(matOf(a, n)), s, false);
    }
  });
});

describe('svd errors', () => {
  it('rejects non-matrices and non-2-D arrays', () => {
    expect(() => svd([[1]] as unknown as Matrix)).toThrow(InvalidArgumentError);
    expect(() => svd(ndarray(new Float64Array(4), [4]))).toThrow(ShapeError);
    expect(() => svd(ndarray(new Float64Array(8), [2, 2, 2]))).toThrow(ShapeError);
  });

  it('rejects NaN and infinite entries', () => {
    expect(() => svd(matOf([[1, NaN]]))).toThrow(NonFiniteError);
    expect(() => svd(matOf([[-Infinity], [1]]))).toThrow(NonFiniteError);
  });

  it('rejects options that are not booleans', () => {
    const a = matOf([[1, 2]]);
    expect(() => svd(a, { full: 1 as unknown as boolean })).toThrow(InvalidArgumentError);
    expect(() => svd(a, { valuesOnly: 'no' as unknown as boolean })).toThrow(InvalidArgumentError);
  });
});
