import fc from 'fast-check';
import {
  createRng,
  gemm,
  InvalidArgumentError,
  MAX_POWER_ITERATIONS,
  NonFiniteError,
  NonSymmetricError,
  rangeFinder,
  reigh,
  rsvd,
  ShapeError,
  zeros,
  type LinearOperator,
  type Matrix,
} from '@bkfac/linalg';
import {
  arbSeed,
  awkwardView,
  frob,
  jacobiEigenvalues,
  matOf,
  matrixWithSingularValues,
  mul,
  orthogonalityError,
  rowsOf,
  sub,
  symmetricWithSpectrum,
  transpose,
} from '../../../test-support/reference';
import { reconstruct, reconstructSvd, spectralNorm, spectralNormGeneral } from './lowrank-helpers';

const decaying = (n: number, rate: number): number[] =>
  Array.from({ length: n }, (_, i) => rate ** i);

/** A matrix-free operator for `a` (counts products), with or without a transpose. */
function operatorOf(a: Matrix, transpose = true): LinearOperator & { calls: number } {
  const op = {
    rows: a.shape[0]!,
    cols: a.shape[1]!,
    calls: 0,
    apply(x: Matrix): Matrix {
      op.calls++;
      return gemm(a, x);
    },
    ...(transpose ? { applyTranspose: (y: Matrix): Matrix => gemm(a, y, { transA: true }) } : {}),
  };
  return op;
}

describe('rangeFinder', () => {
  it('returns an orthonormal basis that captures a rank-q range exactly', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.integer({ min: 3, max: 40 }),
        fc.integer({ min: 3, max: 40 }),
        (seed, m, n) => {
          const q = Math.min(m, n, 6);
          const a = matrixWithSingularValues(m, n, decaying(Math.min(q, 4), 0.5), seed);
          const basis = rowsOf(rangeFinder(awkwardView(a, n), q, { seed, powerIterations: 1 }));
          expect(orthogonalityError(basis)).toBeLessThanOrEqual(1e-13);
          const residual = sub(a, mul(basis, mul(transpose(basis), a)));
          expect(frob(residual)).toBeLessThanOrEqual(1e-10 * frob(a));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('is reproducible from a seed and continues an rng stream', () => {
    const a = matOf(matrixWithSingularValues(20, 15, decaying(15, 0.8), 1), 15);
    expect(rowsOf(rangeFinder(a, 5, { seed: 9 }))).toEqual(rowsOf(rangeFinder(a, 5, { seed: 9 })));
    expect(rowsOf(rangeFinder(a, 5))).toEqual(rowsOf(rangeFinder(a, 5, { seed: 0 })));
    const rng = createRng(9);
    const first = rowsOf(rangeFinder(a, 5, { rng }));
    expect(first).toEqual(rowsOf(rangeFinder(a, 5, { seed: 9 })));
    expect(rowsOf(rangeFinder(a, 5, { rng }))).not.toEqual(first);
  });

  it('accepts a linear operator and uses 1 + 2p products', () => {
    const a = matOf(matrixWithSingularValues(12, 9, decaying(9, 0.7), 2), 9);
    const op = operatorOf(a);
    const viaOp = rowsOf(rangeFinder(op, 4, { seed: 3, powerIterations: 2 }));
    expect(op.calls).toBe(3);
    const viaMatrix = rowsOf(rangeFinder(a, 4, { seed: 3, powerIterations: 2 }));
    expect(frob(sub(viaOp, viaMatrix))).toBeLessThanOrEqual(1e-12);
  });
});

describe('rsvd', () => {
  it('recovers a matrix of rank ≤ rank exactly, for any seed and shape', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.integer({ min: 2, max: 50 }),
        fc.integer({ min: 2, max: 50 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 2 }),
        (seed, m, n, k0, p) => {
          const k = Math.min(k0, m, n);
          const a = matrixWithSingularValues(m, n, decaying(k, 0.3), seed);
          const { u, s, v } = rsvd(matOf(a, n), k, { seed, oversample: 3, powerIterations: p });
          expect(frob(sub(a, reconstructSvd(u, s, v)))).toBeLessThanOrEqual(1e-8 * frob(a));
          expect(orthogonalityError(rowsOf(u))).toBeLessThanOrEqual(1e-12);
          expect(orthogonalityError(rowsOf(v))).toBeLessThanOrEqual(1e-12);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('lies in the error sandwich σ_{k+1} ≤ ‖A − Â‖₂ ≤ 5·σ_{k+1}, with bounded singular values', () => {
    const m = 70;
    const n = 60;
    const k = 10;
    const sigma = decaying(n, 0.8);
    const a = matrixWithSingularValues(m, n, sigma, 5);
    for (const seed of [1, 2, 3, 4, 5]) {
      const { u, s, v } = rsvd(matOf(a, n), k, { seed, oversample: 5, powerIterations: 1 });
      const err = spectralNormGeneral(sub(a, reconstructSvd(u, s, v)));
      expect(err).toBeGreaterThanOrEqual(sigma[k]! * (1 - 1e-8));
      expect(err).toBeLessThanOrEqual(5 * sigma[k]!);
      Array.from(s).forEach((x, i) => {
        expect(x).toBeLessThanOrEqual(sigma[i]! * (1 + 1e-12));
        if (i > 0) expect(x).toBeLessThanOrEqual(s[i - 1]!);
      });
    }
  });

  it('more power iterations never hurt in median (Frobenius error)', () => {
    const n = 60;
    const k = 8;
    const sigma = Array.from({ length: n }, (_, i) => 1 / Math.sqrt(1 + i));
    const a = matrixWithSingularValues(n, n, sigma, 6);
    const median = (p: number): number => {
      const errs = [11, 12, 13, 14, 15, 16, 17].map((seed) => {
        const { u, s, v } = rsvd(matOf(a, n), k, { seed, oversample: 2, powerIterations: p });
        return frob(sub(a, reconstructSvd(u, s, v)));
      });
      return errs.sort((x, y) => x - y)[3]!;
    };
    const medians = [0, 1, 2, 3].map(median);
    for (let p = 1; p < medians.length; p++)
      expect(medians[p]!).toBeLessThanOrEqual(medians[p - 1]!);
    expect(medians[1]!).toBeLessThan(0.99 * medians[0]!);
  });

  it('sketches an operator it never forms (A = F·Gᵀ)', () => {
    const f = matOf(matrixWithSingularValues(40, 5, [5, 4, 3, 2, 1], 7), 5);
    const g = matOf(matrixWithSingularValues(30, 5, [1, 1, 1, 1, 1], 8), 5);
    const op: LinearOperator = {
      rows: 40,
      cols: 30,
      apply: (x) => gemm(f, gemm(g, x, { transA: true })),
      applyTranspose: (y) => gemm(g, gemm(f, y, { transA: true })),
    };
    const dense = mul(rowsOf(f), transpose(rowsOf(g)));
    const { u, s, v } = rsvd(op, 5, { seed: 1 });
    expect(frob(sub(dense, reconstructSvd(u, s, v)))).toBeLessThanOrEqual(1e-10 * frob(dense));
  });
});

describe('reigh', () => {
  it('recovers a PSD matrix of rank ≤ rank exactly with both estimators', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.integer({ min: 3, max: 40 }),
        fc.integer({ min: 1, max: 6 }),
        (seed, n, k0) => {
          const k = Math.min(k0, n);
          const spectrum = [...decaying(k, 0.5), ...new Array<number>(n - k).fill(0)];
          const a = symmetricWithSpectrum(spectrum, seed);
          for (const method of ['rayleigh-ritz', 'svd'] as const) {
            const { values, vectors } = reigh(matOf(a, n), k, { seed, oversample: 2, method });
            expect(frob(sub(a, reconstruct(values, vectors)))).toBeLessThanOrEqual(1e-8 * frob(a));
            expect(orthogonalityError(rowsOf(vectors))).toBeLessThanOrEqual(1e-12);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('Ritz and singular-value estimates are descending and bounded by λ_i', () => {
    const n = 70;
    const k = 10;
    const lambda = decaying(n, 0.75);
    const a = symmetricWithSpectrum(lambda, 9);
    for (const method of ['rayleigh-ritz', 'svd'] as const) {
      for (const seed of [1, 2, 3]) {
        const { values, vectors } = reigh(matOf(a, n), k, {
          seed,
          oversample: 5,
          powerIterations: 1,
          method,
        });
        const err = spectralNorm(sub(a, reconstruct(values, vectors)));
        expect(err).toBeGreaterThanOrEqual(lambda[k]! * (1 - 1e-8));
        expect(err).toBeLessThanOrEqual(5 * lambda[k]!);
        Array.from(values).forEach((x, i) => {
          expect(x).toBeLessThanOrEqual(lambda[i]! * (1 + 1e-12));
          if (i > 0) expect(x).toBeLessThanOrEqual(values[i - 1]!);
        });
      }
    }
  });

  it('keeps the dominant (largest-magnitude) part of an indefinite matrix, in descending order', () => {
    const spectrum = [3, 1, 0.1, 0.01, -0.05, -2];
    const a = symmetricWithSpectrum(spectrum, 10);
    const { values } = reigh(matOf(a, 6), 3, { seed: 1 });
    const expected = [3, 1, -2];
    Array.from(values).forEach((x, i) =>
      expect(Math.abs(x - expected[i]!)).toBeLessThanOrEqual(1e-12),
    );
  });

  it('accepts a symmetric operator without applyTranspose', () => {
    const a = matOf(symmetricWithSpectrum(decaying(20, 0.5), 11), 20);
    const op = operatorOf(a, false);
    const viaOp = reigh({ ...op, apply: op.apply }, 4, { seed: 2 });
    const viaMatrix = reigh(a, 4, { seed: 2 });
    Array.from(viaOp.values).forEach((x, i) =>
      expect(Math.abs(x - viaMatrix.values[i]!)).toBeLessThanOrEqual(1e-13),
    );
    expect(jacobiEigenvalues(rowsOf(a))[0]! - viaOp.values[0]!).toBeLessThanOrEqual(1e-12);
  });
});

describe('randomized routines: errors', () => {
  const a = matOf(symmetricWithSpectrum(decaying(6, 0.5), 12), 6);
  it('reject a rank or sketch size outside [1, min(rows, cols)]', () => {
    expect(() => rsvd(a, 0)).toThrow(InvalidArgumentError);
    expect(() => rsvd(zeros(6, 3), 4)).toThrow(InvalidArgumentError);
    expect(() => reigh(a, 7)).toThrow(InvalidArgumentError);
    expect(() => rangeFinder(a, 0)).toThrow(InvalidArgumentError);
  });
  it('reject invalid oversampling, power iterations and methods', () => {
    expect(() => rsvd(a, 2, { oversample: -1 })).toThrow(InvalidArgumentError);
    expect(() => reigh(a, 2, { powerIterations: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => rangeFinder(a, 2, { powerIterations: -1 })).toThrow(InvalidArgumentError);
    // A mistyped count that is still a safe integer must not run for ever either.
    const tooMany = MAX_POWER_ITERATIONS + 1;
    expect(() => rangeFinder(a, 2, { powerIterations: tooMany })).toThrow(/powerIterations/);
    expect(() => rsvd(a, 2, { powerIterations: tooMany })).toThrow(/powerIterations/);
    expect(() => reigh(a, 2, { powerIterations: tooMany })).toThrow(/powerIterations/);
    expect(rangeFinder(a, 2, { powerIterations: MAX_POWER_ITERATIONS }).shape).toEqual([
      a.shape[0],
      2,
    ]);
    expect(() => reigh(a, 2, { method: 'qr' as never })).toThrow(InvalidArgumentError);
  });
  it('reject both a seed and an rng, a bad seed or a bad rng', () => {
    expect(() => rsvd(a, 2, { seed: 1, rng: createRng(1) })).toThrow(InvalidArgumentError);
    expect(() => rsvd(a, 2, { seed: 0.5 })).toThrow(InvalidArgumentError);
    expect(() => reigh(a, 2, { rng: {} as never })).toThrow(InvalidArgumentError);
  });
  it('reigh rejects non-square and non-symmetric matrices', () => {
    expect(() => reigh(zeros(4, 3), 2)).toThrow(ShapeError);
    const rows = rowsOf(a);
    rows[0]![1]! += 1;
    expect(() => reigh(matOf(rows, 6), 2)).toThrow(NonSymmetricError);
  });
  it('reject non-finite matrices', () => {
    const rows = rowsOf(a);
    rows[2]![3] = NaN;
    expect(() => rsvd(matOf(rows, 6), 2)).toThrow(NonFiniteError);
  });
  it('reject malformed operators and bad operator outputs', () => {
    const op = operatorOf(a, false);
    expect(() => rsvd(op, 2)).toThrow(/applyTranspose/);
    expect(() => reigh({ rows: 6, cols: 5, apply: op.apply }, 2)).toThrow(ShapeError);
    expect(() => rsvd({ rows: -1, cols: 6, apply: op.apply, symmetric: true }, 2)).toThrow(
      InvalidArgumentError,
    );
    expect(() => reigh({ rows: 6, cols: 6, apply: () => zeros(5, 2) }, 2)).toThrow(ShapeError);
    const nan = zeros(6, 12, 'col');
    nan.data.fill(NaN);
    expect(() => reigh({ rows: 6, cols: 6, apply: (x) => nan.hi(6, x.shape[1]!) }, 2)).toThrow(
      NonFiniteError,
    );
    expect(() => rangeFinder('matrix' as never, 2)).toThrow(InvalidArgumentError);
  });
});
