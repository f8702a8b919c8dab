import fc from 'fast-check';
import {
  InvalidArgumentError,
  NonFiniteError,
  orthogonalityLoss,
  reorthonormalize,
  ShapeError,
  zeros,
} from '@bkfac/linalg';
import {
  add,
  arbSeed,
  awkwardView,
  frob,
  matOf,
  mul,
  orthogonalityError,
  randomOrthonormal,
  randomRows,
  rowsOf,
  scale,
  sub,
  transpose,
} from '../../../test-support/reference';

describe('orthogonalityLoss', () => {
  it('is ‖VᵀV − I‖_F for any matrix and any strides', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 10 }),
        (seed, d, r) => {
          const v = randomRows(d, r, seed);
          const expected = orthogonalityError(v);
          expect(Math.abs(orthogonalityLoss(awkwardView(v, r)) - expected)).toBeLessThanOrEqual(
            1e-12 * (1 + expected),
          );
        },
      ),
      { numRuns: 30 },
    );
  });
  it('is 0 for an empty basis and tiny for an orthonormal one', () => {
    expect(orthogonalityLoss(zeros(4, 0))).toBe(0);
    expect(orthogonalityLoss(matOf(randomOrthonormal(30, 8, 1), 8))).toBeLessThanOrEqual(1e-14);
  });
  it('rejects non-matrices and non-finite entries', () => {
    expect(() => orthogonalityLoss([[1]] as never)).toThrow(InvalidArgumentError);
    expect(() => orthogonalityLoss(matOf([[NaN]], 1))).toThrow(NonFiniteError);
  });
});

describe('reorthonormalize', () => {
  it('restores orthonormality and moves a drifted basis by O(drift)', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        (seed, d, r0) => {
          const r = Math.min(r0, d);
          const v = randomOrthonormal(d, r, seed);
          const drift = scale(randomRows(d, r, seed + 1), 1e-7);
          const drifted = add(v, drift);
          const q = rowsOf(reorthonormalize(awkwardView(drifted, r)));
          expect(orthogonalityError(q)).toBeLessThanOrEqual(1e-13);
          expect(frob(sub(q, drifted))).toBeLessThanOrEqual(10 * frob(drift));
        },
      ),
      { numRuns: 30 },
    );
  });
  it('keeps the nested spans: QᵀV is upper triangular with a positive diagonal', () => {
    const v = randomRows(15, 5, 3);
    const q = rowsOf(reorthonormalize(matOf(v, 5)));
    const t = mul(transpose(q), v);
    for (let i = 0; i < 5; i++) {
      expect(t[i]![i]!).toBeGreaterThan(0);
      for (let j = 0; j < i; j++) expect(Math.abs(t[i]![j]!)).toBeLessThanOrEqual(1e-13);
    }
  });
  it('returns an orthonormal basis for rank-deficient input and does not modify it', () => {
    const v = randomRows(10, 2, 4).map((row) => [row[0]!, row[1]!, row[0]! + row[1]!]);
    const input = matOf(v, 3);
    const q = reorthonormalize(input);
    expect(orthogonalityError(rowsOf(q))).toBeLessThanOrEqual(1e-13);
    expect(rowsOf(input)).toEqual(v);
  });
  it('rejects a basis with more columns than rows, non-matrices and non-finite entries', () => {
    expect(() => reorthonormalize(zeros(2, 3))).toThrow(ShapeError);
    expect(() => reorthonormalize({} as never)).toThrow(InvalidArgumentError);
    expect(() => reorthonormalize(matOf([[Infinity], [0]], 1))).toThrow(NonFiniteError);
  });
});
