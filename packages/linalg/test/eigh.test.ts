import fc from 'fast-check';
import ndarray from 'ndarray';
import {
  ConvergenceError,
  eigh,
  InvalidArgumentError,
  NonFiniteError,
  NonSymmetricError,
  ShapeError,
} from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
import {
  EPS,
  arbSeed,
  arbSize,
  awkwardView,
  diag,
  frob,
  jacobiEigenvalues,
  matOf,
  mul,
  orthogonalityError,
  rowsOf,
  sub,
  symmetricWithSpectrum,
  transpose,
  uniformStream,
} from '../../../test-support/reference';
import type { Rows } from '../../../test-support/reference';
import { qlEigenvalues } from '../src/dense/tridiagonal-values';
import { inverseIteration, StartVectors } from '../src/dense/tridiagonal-vectors';
import { secularRoot } from '../src/dense/tridiagonal-secular';

// Every bound below is c·n·eps (times ‖A‖_F) with this c; observed maxima are 1–3.
const C = 10;

type SpectrumKind = 'random' | 'repeated' | 'clustered' | 'rank-deficient' | 'graded';

/** Eigenvalues of a test matrix of order n, of the given kind. */
function spectrum(n: number, kind: SpectrumKind, seed: number): number[] {
  const u = uniformStream(seed);
  const pick = (values: number[]): number => values[Math.floor(u() * values.length)]!;
  const centers = [-3, 0.5, 7];
  switch (kind) {
    case 'random':
      return Array.from({ length: n }, () => 20 * u() - 10);
    case 'repeated':
      return Array.from({ length: n }, () => pick(centers));
    case 'clustered':
      // Tight clusters: members 1e-12 apart.
      return Array.from({ length: n }, (_, i) => pick(centers) + (i % 4) * 1e-12);
    case 'rank-deficient': {
      const rank = Math.floor(u() * n);
      return Array.from({ length: n }, (_, i) => (i < rank ? 20 * u() - 10 : 0));
    }
    case 'graded':
      return Array.from({ length: n }, () => (u() < 0.5 ? -1 : 1) * 10 ** (20 * u() - 10));
  }
}

const arbKind = fc.constantFrom<SpectrumKind>(
  'random',
  'repeated',
  'clustered',
  'rank-deficient',
  'graded',
);

function descending(values: readonly number[]): number[] {
  return [...values].sort((x, y) => y - x);
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** ‖A − V·diag(λ)·Vᵀ‖_F. */
function reconstructionError(a: Rows, values: Float64Array, vectors: Matrix): number {
  const v = rowsOf(vectors);
  return frob(sub(a, mul(mul(v, diag(values)), transpose(v))));
}

/** The projector V·Vᵀ onto the span of the columns. */
function projector(vectors: Matrix): Rows {
  const v = rowsOf(vectors);
  return mul(v, transpose(v));
}

/** D·S·D with D = diag(10^e), e uniform in [−75, 75]: entries span about 1e-150..1e150. */
function gradedMatrix(n: number, seed: number): Rows {
  const u = uniformStream(seed + 99);
  const scales = Array.from({ length: n }, () => 10 ** (150 * u() - 75));
  const s = symmetricWithSpectrum(spectrum(n, 'random', seed), seed);
  return s.map((row, i) => row.map((x, j) => scales[i]! * x * scales[j]!));
}

/** Wilkinson's W⁺_{2m+1}: tridiagonal, diagonal |m − i|, off-diagonal 1; its largest eigenvalues pair up to ~1e-14. */
function wilkinson(m: number): Rows {
  const n = 2 * m + 1;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) =>
      i === j ? Math.abs(m - i) : Math.abs(i - j) === 1 ? 1 : 0,
    ),
  );
}

function expectValidDecomposition(
  a: Rows,
  values: Float64Array,
  vectors: Matrix,
  reference: readonly number[],
): void {
  const n = a.length;
  const scale = frob(a);
  const tol = C * Math.max(n, 1) * EPS;
  expect(vectors.shape).toEqual([n, n]);
  expect(maxDifference(values, descending(reference))).toBeLessThanOrEqual(tol * scale);
  expect(reconstructionError(a, values, vectors)).toBeLessThanOrEqual(tol * scale);
  expect(orthogonalityError(rowsOf(vectors))).toBeLessThanOrEqual(tol);
  for (let i = 1; i < n; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
}

describe('eigh', () => {
  it('decomposes matrices of known spectrum: values, reconstruction, orthogonality', () => {
    fc.assert(
      fc.property(arbSize(0, 60), arbKind, arbSeed, (n, kind, seed) => {
        const values = spectrum(n, kind, seed);
        const a = symmetricWithSpectrum(values, seed);
        const result = eigh(matOf(a, n));
        expectValidDecomposition(a, result.values, result.vectors, values);
      }),
      { numRuns: 50 },
    );
  });

  it('handles graded matrices with entries spanning 1e-150..1e150 (no overflow, no NaN)', () => {
    fc.assert(
      fc.property(arbSize(1, 40), arbSeed, (n, seed) => {
        const a = gradedMatrix(n, seed);
        const result = eigh(matOf(a, n));
        expect(result.values.every(Number.isFinite)).toBe(true);
        expect(result.vectors.data.every(Number.isFinite)).toBe(true);
        expectValidDecomposition(a, result.values, result.vectors, jacobiEigenvalues(a));
      }),
      { numRuns: 25 },
    );
  });

  it('top: k returns the k largest pairs of the full decomposition (values, and projectors across a gap)', () => {
    fc.assert(
      fc.property(
        arbSize(1, 50),
        arbSeed,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, seed, fraction) => {
          const k = Math.round(fraction * n);
          const u = uniformStream(seed);
          // Distinct values at least 0.5 apart, shuffled: the gap after the k-th is >= 0.5.
          const values = Array.from({ length: n }, (_, i) => i + 0.5 * u()).sort(() => u() - 0.5);
          const a = matOf(symmetricWithSpectrum(values, seed), n);
          const full = eigh(a);
          const top = eigh(a, { top: k });
          const scale = frob(rowsOf(a));
          expect(top.values).toHaveLength(k);
          expect(top.vectors.shape).toEqual([n, k]);
          expect(maxDifference(top.values, full.values.subarray(0, k))).toBeLessThanOrEqual(
            C * n * EPS * scale,
          );
          const leading = full.vectors.hi(n, k);
          const gap = 0.5;
          expect(maxAbsDifference(projector(top.vectors), projector(leading))).toBeLessThanOrEqual(
            (C * n * EPS * scale) / gap,
          );
          expect(orthogonalityError(rowsOf(top.vectors))).toBeLessThanOrEqual(C * n * EPS);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('valuesOnly gives exactly the values of the full decomposition, with or without top', () => {
    fc.assert(
      fc.property(arbSize(0, 50), arbKind, arbSeed, (n, kind, seed) => {
        const a = matOf(symmetricWithSpectrum(spectrum(n, kind, seed), seed), n);
        const only = eigh(a, { valuesOnly: true });
        expect(Object.keys(only)).toEqual(['values']);
        expect(only.values).toEqual(eigh(a).values);
        const k = Math.floor(n / 3);
        expect(eigh(a, { valuesOnly: true, top: k }).values).toEqual(eigh(a, { top: k }).values);
      }),
      { numRuns: 30 },
    );
  });

  it('a rank-2 matrix whose rounding-level block stalls inverse iteration still decomposes', () => {
    // Found by the property below: 25 zero eigenvalues leave a 24-wide block of rounding
    // noise, one cluster for inverse iteration; divide and conquer takes over.
    const values = spectrum(27, 'rank-deficient', 23);
    const a = symmetricWithSpectrum(values, 23);
    const { values: found, vectors } = eigh(matOf(a, 27));
    expectValidDecomposition(a, found, vectors, values);
  });

  it('gives the same result on transposed and offset views, and leaves the input untouched', () => {
    fc.assert(
      fc.property(arbSize(0, 45), arbKind, arbSeed, (n, kind, seed) => {
        const rows = symmetricWithSpectrum(spectrum(n, kind, seed), seed);
        const contiguous = eigh(matOf(rows, n));
        const view = awkwardView(rows, n);
        const before = Float64Array.from(view.data);
        const fromView = eigh(view);
        const fromTranspose = eigh(matOf(rows, n).transpose(1, 0));
        expect(fromView.values).toEqual(contiguous.values);
        expect(rowsOf(fromView.vectors)).toEqual(rowsOf(contiguous.vectors));
        expect(fromTranspose.values).toEqual(contiguous.values);
        expect(rowsOf(fromTranspose.vectors)).toEqual(rowsOf(contiguous.vectors));
        expect(view.data).toEqual(before);
      }),
      { numRuns: 25 },
    );
  });

  it('handles 0x0, 1x1, zero, diagonal and identity matrices exactly', () => {
    const empty = eigh(matOf([], 0));
    expect(empty.values).toHaveLength(0);
    expect(empty.vectors.shape).toEqual([0, 0]);
    const one = eigh(matOf([[-2.5]]));
    expect(Array.from(one.values)).toEqual([-2.5]);
    expect(rowsOf(one.vectors)).toEqual([[1]]);
    const zero = eigh(matOf(diag(new Array<number>(7).fill(0))));
    expect(Array.from(zero.values)).toEqual(new Array<number>(7).fill(0));
    expect(orthogonalityError(rowsOf(zero.vectors))).toBe(0);
    const d = [3, -1, 1e-100, 7, 1e100, 0, -4];
    const diagonal = eigh(matOf(diag(d)));
    expect(Array.from(diagonal.values)).toEqual(descending(d));
    const v = rowsOf(diagonal.vectors);
    // Each eigenvector is ± the unit vector of its diagonal entry.
    diagonal.values.forEach((value, j) => expect(Math.abs(v[d.indexOf(value)]![j]!)).toBe(1));
    const identity = eigh(matOf(diag(new Array<number>(40).fill(1))));
    expect(Array.from(identity.values)).toEqual(new Array<number>(40).fill(1));
    expect(orthogonalityError(rowsOf(identity.vectors))).toBe(0);
  });

  it('handles tridiagonal input with pairs of eigenvalues equal to 1e-14 (Wilkinson W+)', () => {
    for (const m of [10, 20, 40]) {
      const a = wilkinson(m);
      const result = eigh(matOf(a));
      expectValidDecomposition(a, result.values, result.vectors, jacobiEigenvalues(a));
      const top = eigh(matOf(a), { top: 6 });
      expect(orthogonalityError(rowsOf(top.vectors))).toBeLessThanOrEqual(C * a.length * EPS);
    }
  });

  it('decomposes larger fixed cases (n = 200 random, n = 300 clustered) and their top 20', () => {
    for (const [n, kind, seed] of [
      [200, 'random', 11],
      [300, 'clustered', 12],
    ] as const) {
      const values = spectrum(n, kind, seed);
      const a = symmetricWithSpectrum(values, seed);
      const result = eigh(matOf(a));
      expectValidDecomposition(a, result.values, result.vectors, values);
      const top = eigh(matOf(a), { top: 20 });
      expect(maxDifference(top.values, descending(values).slice(0, 20))).toBeLessThanOrEqual(
        C * n * EPS * frob(a),
      );
      expect(orthogonalityError(rowsOf(top.vectors))).toBeLessThanOrEqual(C * n * EPS);
    }
  });

  it('decomposes the symmetric part (A + Aᵀ)/2 when a small asymmetry is tolerated', () => {
    const a = [
      [2, 1 + 1e-9],
      [1 - 1e-9, 3],
    ];
    expect(() => eigh(matOf(a))).toThrow(NonSymmetricError);
    const tolerated = eigh(matOf(a), { symmetryTolerance: 1e-8 });
    const symmetric = eigh(
      matOf([
        [2, 1],
        [1, 3],
      ]),
    );
    expect(tolerated.values).toEqual(symmetric.values);
  });
});

describe('eigh errors', () => {
  const square = matOf([
    [1, 2],
    [2, 1],
  ]);

  it('rejects non-matrices and non-2-D arrays', () => {
    expect(() => eigh([[1]] as unknown as Matrix)).toThrow(InvalidArgumentError);
    expect(() => eigh(ndarray(new Float64Array(4), [4]))).toThrow(ShapeError);
    expect(() => eigh(ndarray(new Float64Array(8), [2, 2, 2]))).toThrow(ShapeError);
  });

  it('rejects a non-square matrix', () => {
    expect(() => eigh(matOf([[1, 2, 3]]))).toThrow(ShapeError);
  });

  it('rejects NaN and infinite entries', () => {
    expect(() =>
      eigh(
        matOf([
          [1, NaN],
          [NaN, 1],
        ]),
      ),
    ).toThrow(NonFiniteError);
    expect(() => eigh(matOf([[Infinity]]))).toThrow(NonFiniteError);
  });

  it('rejects a non-symmetric matrix', () => {
    expect(() =>
      eigh(
        matOf([
          [1, 2],
          [3, 1],
        ]),
      ),
    ).toThrow(NonSymmetricError);
  });

  it('rejects top outside [0, n] or not an integer, and invalid options', () => {
    expect(() => eigh(square, { top: 3 })).toThrow(InvalidArgumentError);
    expect(() => eigh(square, { top: -1 })).toThrow(InvalidArgumentError);
    expect(() => eigh(square, { top: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => eigh(square, { symmetryTolerance: -1 })).toThrow(InvalidArgumentError);
    expect(() => eigh(square, { valuesOnly: 'yes' as unknown as boolean })).toThrow(
      InvalidArgumentError,
    );
    expect(eigh(square, { top: 0 }).values).toHaveLength(0);
  });

  it('reports non-convergence of the tridiagonal solvers with the iteration count', () => {
    // Unreachable through eigh (its input is validated finite): NaN keeps both solvers from converging.
    const ql = (): void =>
      qlEigenvalues('eigh', Float64Array.from([1, NaN, 2]), Float64Array.from([1, 1, 0]), 0, 2, 0);
    expect(ql).toThrow(ConvergenceError);
    expect(iterationsOf(ql)).toBe(40);
    // Inverse iteration (tridiagonalEigen then falls back to divide and conquer).
    const n = 200;
    const d = Float64Array.from({ length: n }, (_, i) => (i === 4 ? NaN : i));
    const e = new Float64Array(n - 1).fill(1);
    const scratch = {
      u0: new Float64Array(n),
      u1: new Float64Array(n),
      u2: new Float64Array(n),
      mult: new Float64Array(n),
      x: new Float64Array(n),
      pivot: new Int32Array(n),
    };
    const inverse = (): void =>
      inverseIteration(
        'eigh',
        d,
        e,
        0,
        n - 1,
        n,
        Float64Array.from([n - 1]),
        Int32Array.from([0]),
        0,
        1,
        new Float64Array(n),
        n,
        scratch,
        new StartVectors(),
      );
    expect(inverse).toThrow(ConvergenceError);
    expect(iterationsOf(inverse)).toBe(10);
    // The secular equation of divide and conquer.
    const pole = Float64Array.from([0, 1]);
    const weights = Float64Array.from([NaN, 0.5]);
    const secular = (): void =>
      secularRoot('eigh', 2, pole, weights, 1, 0, new Int32Array(2), new Float64Array(2));
    expect(secular).toThrow(ConvergenceError);
    expect(iterationsOf(secular)).toBe(100);
  });
});

function iterationsOf(run: () => void): number {
  try {
    run();
  } catch (error) {
    if (error instanceof ConvergenceError) return error.iterations;
  }
  return -1;
}

function maxAbsDifference(a: Rows, b: Rows): number {
  let m = 0;
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < a[i]!.length; j++) m = Math.max(m, Math.abs(a[i]![j]! - b[i]![j]!));
  return m;
}
