import fc from 'fast-check';
import {
  InvalidArgumentError,
  NonSymmetricError,
  rayleighRitzCorrection,
  ShapeError,
  zeros,
  type LowRankEigen,
} from '@bkfac/linalg';
import {
  arbSeed,
  frob,
  jacobiEigenvalues,
  matOf,
  mul,
  orthogonalityError,
  randomOrthonormal,
  rowsOf,
  sub,
  symmetricWithSpectrum,
  transpose,
  type Rows,
} from '../../../test-support/reference';
import { randomRepresentation, reconstruct } from './lowrank-helpers';

const column = (rows: Rows, j: number): number[] => rows.map((row) => row[j]!);

/** Index of the column of `rows` equal to `col` up to `tol`, or -1. */
function findColumn(rows: Rows, col: number[], tol: number): number {
  const cols = rows[0]?.length ?? 0;
  for (let j = 0; j < cols; j++) {
    if (col.every((x, i) => Math.abs(x - rows[i]![j]!) <= tol)) return j;
  }
  return -1;
}

describe('rayleighRitzCorrection', () => {
  it('replaces the sampled pairs by Ritz pairs and keeps the rest', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.integer({ min: 6, max: 30 }),
        fc.integer({ min: 2, max: 8 }),
        (seed, d, m0) => {
          const m = Math.min(m0, d);
          const k = symmetricWithSpectrum(
            Array.from({ length: d }, (_, i) => 1 / (1 + i)),
            seed,
          );
          const rep = randomRepresentation(d, m, seed + 1);
          const indices = [0, m - 1];
          const out = rayleighRitzCorrection(rep, matOf(k, d), { indices });
          const v = rowsOf(out.vectors);
          expect(orthogonalityError(v)).toBeLessThanOrEqual(1e-12);
          for (let i = 1; i < m; i++)
            expect(out.values[i]!).toBeLessThanOrEqual(out.values[i - 1]!);
          // Unsampled columns survive unchanged (as a set).
          for (let j = 1; j < m - 1; j++) {
            const at = findColumn(v, column(rep.rows, j), 0);
            expect(at).toBeGreaterThanOrEqual(0);
            expect(out.values[at]).toBe(rep.values[j]);
          }
          // Sampled values are eig(U_sᵀ K U_s); their sum is its trace.
          const us = rep.rows.map((row) => indices.map((j) => row[j]!));
          const small = mul(mul(transpose(us), k), us);
          const theta = jacobiEigenvalues(small);
          const unsampled = new Set(Array.from({ length: m - 2 }, (_, j) => rep.values[j + 1]!));
          const newValues = Array.from(out.values).filter((x) => !unsampled.has(x));
          expect(newValues).toHaveLength(2);
          newValues.forEach((x, i) => expect(Math.abs(x - theta[i]!)).toBeLessThanOrEqual(1e-13));
          expect(
            Math.abs(newValues[0]! + newValues[1]! - (small[0]![0]! + small[1]![1]!)),
          ).toBeLessThanOrEqual(1e-13);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('is a no-op (up to rotation) on an exact invariant subspace', () => {
    const d = 12;
    const q = randomOrthonormal(d, d, 3);
    const spectrum = Array.from({ length: d }, (_, i) => d - i);
    const k = mul(
      mul(
        q,
        spectrum.map((x, i) => spectrum.map((_, j) => (i === j ? x : 0))),
      ),
      transpose(q),
    );
    const rep: LowRankEigen = {
      values: Float64Array.from(spectrum.slice(0, 4)),
      vectors: matOf(
        q.map((row) => row.slice(0, 4)),
        4,
      ),
    };
    const out = rayleighRitzCorrection(rep, matOf(k, d), { fraction: 1, seed: 1 });
    Array.from(out.values).forEach((x, i) =>
      expect(Math.abs(x - rep.values[i]!)).toBeLessThanOrEqual(1e-12),
    );
    expect(
      frob(sub(reconstruct(out.values, out.vectors), reconstruct(rep.values, rep.vectors))),
    ).toBeLessThanOrEqual(1e-12);
  });

  it('samples round(φ·m + 1) columns, reproducibly from a seed', () => {
    const d = 20;
    const m = 10;
    const k = matOf(
      symmetricWithSpectrum(
        Array.from({ length: d }, (_, i) => 2 ** -i),
        4,
      ),
      d,
    );
    const rep = randomRepresentation(d, m, 5);
    const changed = (out: LowRankEigen): number =>
      Array.from(out.values).filter((x) => !rep.values.includes(x)).length;
    const a = rayleighRitzCorrection(rep, k, { fraction: 0.2, seed: 7 });
    expect(changed(a)).toBe(3);
    expect(rowsOf(rayleighRitzCorrection(rep, k, { fraction: 0.2, seed: 7 }).vectors)).toEqual(
      rowsOf(a.vectors),
    );
    expect(changed(rayleighRitzCorrection(rep, k, { fraction: 0, seed: 7 }))).toBe(1);
    expect(rayleighRitzCorrection(rep, k, { indices: [] }).values).toEqual(rep.values);
  });

  it('handles an empty representation', () => {
    const out = rayleighRitzCorrection(
      { values: new Float64Array(0), vectors: zeros(3, 0) },
      zeros(3, 3),
    );
    expect(out.vectors.shape).toEqual([3, 0]);
  });
});

describe('rayleighRitzCorrection: errors', () => {
  const d = 6;
  const rep = randomRepresentation(d, 3, 9);
  const k = matOf(symmetricWithSpectrum([6, 5, 4, 3, 2, 1], 10), d);
  it('rejects a matrix of the wrong size or a non-symmetric one', () => {
    expect(() => rayleighRitzCorrection(rep, zeros(d + 1, d + 1))).toThrow(ShapeError);
    const rows = rowsOf(k);
    rows[1]![4]! += 0.5;
    expect(() => rayleighRitzCorrection(rep, matOf(rows, d))).toThrow(NonSymmetricError);
  });
  it('rejects a fraction outside [0, 1] and invalid indices', () => {
    expect(() => rayleighRitzCorrection(rep, k, { fraction: 1.5 })).toThrow(InvalidArgumentError);
    for (const indices of [[0, 0], [3], [-1], [0.5], 'all' as never]) {
      expect(() => rayleighRitzCorrection(rep, k, { indices })).toThrow(InvalidArgumentError);
    }
  });
  it('rejects a non-orthonormal basis and a malformed representation', () => {
    const bad = matOf(
      rowsOf(rep.vectors).map((row) => row.map((x) => 3 * x)),
      3,
    );
    expect(() => rayleighRitzCorrection({ values: rep.values, vectors: bad }, k)).toThrow(
      InvalidArgumentError,
    );
    expect(() => rayleighRitzCorrection(undefined as never, k)).toThrow(InvalidArgumentError);
  });
});
