import fc from 'fast-check';
import ndarray from 'ndarray';
import {
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
  fromRows,
  qr,
  zeros,
} from '@bkfac/linalg';
import type { Matrix, QrMode } from '@bkfac/linalg';
import { orthonormalizeColumns } from '../src/dense/qr';
import {
  QR_BLOCK,
  blockFactorsFor,
  formQInPlace,
  householderQrInPlace,
} from '../src/dense/qr-factor';
import {
  EPS,
  arbSeed,
  arbSize,
  awkwardView,
  frob,
  identityRows,
  matOf,
  mul,
  orthogonalityError,
  randomRows,
  rowsOf,
  sub,
  transpose,
} from '../../../test-support/reference';
import type { Rows } from '../../../test-support/reference';

/**
 * Stated constant of the bounds ‖A − QR‖_F <= C·max(m, n)·eps·‖A‖_F and
 * ‖QᵀQ − I‖_F <= C·max(m, n)·eps. Householder QR is backward stable; both
 * errors grow with the number of columns and (through the length of the
 * reflectors) the number of rows, so the row count enters the orthogonality
 * bound too (a single column of length 52 already shows ‖qᵀq − 1‖ = 3·eps).
 */
const C = 2;

function columnOf(a: Rows, j: number): number[] {
  return a.map((row) => row[j]!);
}

/** Asserts the properties of `qr(a, { mode })` that hold for every input. */
function checkQr(a: Rows, n: number, mode: 'reduced' | 'complete'): { q: Rows; r: Rows } {
  const m = a.length;
  const k = Math.min(m, n);
  const { q, r } = qr(matOf(a, n), { mode });
  const qCols = mode === 'complete' ? m : k;
  expect(q.shape).toEqual([m, qCols]);
  expect(r.shape).toEqual([mode === 'complete' ? m : k, n]);
  const qr_ = rowsOf(q);
  const rr = rowsOf(r);
  // R is exactly upper trapezoidal with a non-negative diagonal (one expect: they are slow).
  const offending = rr.flatMap((row, i) =>
    row.filter((v, j) => (j < i && v !== 0) || (j === i && !(v >= 0))),
  );
  expect(offending).toEqual([]);
  const reconstruction = m === 0 || n === 0 ? 0 : frob(sub(mul(qr_, rr), a));
  expect(reconstruction).toBeLessThanOrEqual(C * Math.max(m, n) * EPS * frob(a));
  if (qCols > 0) expect(orthogonalityError(qr_)).toBeLessThanOrEqual(C * Math.max(m, n) * EPS);
  return { q: qr_, r: rr };
}

/** Gaussian m x n matrix of rank `rank` (product of m x rank and rank x n factors). */
function lowRank(m: number, n: number, rank: number, seed: number): Rows {
  return rank === 0
    ? randomRows(m, n, seed).map((row) => row.map(() => 0))
    : mul(randomRows(m, rank, seed), randomRows(rank, n, seed + 1));
}

describe('qr', () => {
  it('factors random tall, square and wide matrices (reduced and complete)', () => {
    fc.assert(
      fc.property(arbSize(0, 80), arbSize(0, 80), arbSeed, (m, n, seed) => {
        const a = randomRows(m, n, seed);
        checkQr(a, n, 'reduced');
        checkQr(a, n, 'complete');
      }),
      { numRuns: 40 },
    );
  });

  it('crosses the block size: shapes around multiples of QR_BLOCK', () => {
    const b = QR_BLOCK;
    const shapes: [number, number][] = [
      [b, b],
      [b + 1, b + 1],
      [2 * b + 3, 2 * b + 1],
      [3 * b + 7, b + 5],
      [b + 5, 3 * b + 7],
      [170, 2 * b],
    ];
    for (const [m, n] of shapes) {
      const a = randomRows(m, n, m * 1000 + n);
      checkQr(a, n, 'reduced');
      checkQr(a, n, 'complete');
    }
  });

  it('complete Q is square orthogonal and its first k columns are the reduced Q', () => {
    fc.assert(
      fc.property(arbSize(1, 60), arbSize(0, 60), arbSeed, (m, n, seed) => {
        const a = randomRows(m, n, seed);
        const reduced = checkQr(a, n, 'reduced');
        const complete = checkQr(a, n, 'complete');
        expect(orthogonalityError(transpose(complete.q))).toBeLessThanOrEqual(
          C * Math.max(m, n) * EPS,
        );
        const k = Math.min(m, n);
        expect(complete.q.map((row) => row.slice(0, k))).toEqual(reduced.q);
        expect(complete.r.slice(0, k)).toEqual(reduced.r);
        complete.r.slice(k).forEach((row) => expect(row.every((v) => v === 0)).toBe(true));
      }),
      { numRuns: 25 },
    );
  });

  it("mode 'r' returns exactly the R of mode 'reduced' and no Q", () => {
    fc.assert(
      fc.property(arbSize(0, 70), arbSize(0, 70), arbSeed, (m, n, seed) => {
        const a = matOf(randomRows(m, n, seed), n);
        const only = qr(a, { mode: 'r' });
        expect(only.q).toBeNull();
        expect(rowsOf(only.r)).toEqual(rowsOf(qr(a).r));
      }),
      { numRuns: 25 },
    );
  });

  it('handles rank-deficient matrices without NaN', () => {
    fc.assert(
      fc.property(
        arbSize(1, 70),
        arbSize(1, 70),
        arbSeed,
        fc.integer({ min: 0, max: 5 }),
        (m, n, seed, rank) => {
          const a = lowRank(m, n, Math.min(rank, m, n), seed);
          const { q, r } = checkQr(a, n, 'reduced');
          expect(q.flat().every(Number.isFinite) && r.flat().every(Number.isFinite)).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('gives zero R and an orthonormal Q for the zero matrix and zero columns', () => {
    const { q, r } = checkQr(
      randomRows(9, 4, 1).map((row) => row.map(() => 0)),
      4,
      'reduced',
    );
    expect(r.flat().every((v) => v === 0)).toBe(true);
    // tau = 0 for every column: Q is exactly the identity (up to the sign of zeros)
    expect(q.map((row) => row.map((v) => v + 0))).toEqual(
      identityRows(9).map((row) => row.slice(0, 4)),
    );
    const withZeros = randomRows(40, 37, 2).map((row) => row.map((v, j) => (j % 3 === 1 ? 0 : v)));
    checkQr(withZeros, 37, 'complete');
  });

  it('handles 0-size and 1x1 inputs', () => {
    expect(qr(zeros(0, 0)).q.shape).toEqual([0, 0]);
    expect(qr(zeros(0, 3)).r.shape).toEqual([0, 3]);
    expect(qr(zeros(3, 0)).q.shape).toEqual([3, 0]);
    expect(rowsOf(qr(zeros(3, 0), { mode: 'complete' }).q)).toEqual(identityRows(3));
    const one = qr(fromRows([[-2.5]]));
    expect(rowsOf(one.q)).toEqual([[-1]]);
    expect(rowsOf(one.r)).toEqual([[2.5]]);
  });

  it('is accurate column by column on graded columns (scales 1e-150 .. 1e150)', () => {
    fc.assert(
      fc.property(arbSize(1, 60), arbSize(1, 60), arbSeed, (m, n, seed) => {
        const scales = Array.from(
          { length: n },
          (_, j) => 10 ** (-150 + (((j * 7919 + seed) % 31) * 300) / 30),
        );
        const a = randomRows(m, n, seed).map((row) => row.map((v, j) => v * scales[j]!));
        const { q, r } = qr(matOf(a, n));
        const qr_ = rowsOf(q);
        const rr = rowsOf(r);
        expect(orthogonalityError(qr_)).toBeLessThanOrEqual(C * Math.max(m, n) * EPS);
        const product = mul(qr_, rr);
        for (let j = 0; j < n; j++) {
          const residual = frob([sub([columnOf(product, j)], [columnOf(a, j)])[0]!]);
          expect(residual).toBeLessThanOrEqual(C * Math.max(m, n) * EPS * frob([columnOf(a, j)]));
        }
      }),
      { numRuns: 30 },
    );
  });

  it('does not overflow or underflow in the column norms (scales 1e-200 and 1e200)', () => {
    const scales = [1e200, 1e-200, 1, 1e200];
    const a = randomRows(30, 4, 8).map((row) => row.map((v, j) => v * scales[j]!));
    const { q, r } = qr(matOf(a));
    const qr_ = rowsOf(q);
    expect(orthogonalityError(qr_)).toBeLessThanOrEqual(C * 30 * EPS);
    const product = mul(qr_, rowsOf(r));
    // Norms of unscaled columns would overflow/underflow in the oracle itself.
    const unscaled = (column: number[], j: number): number[] => column.map((v) => v / scales[j]!);
    for (let j = 0; j < 4; j++) {
      const aj = unscaled(columnOf(a, j), j);
      const residual = frob(sub([unscaled(columnOf(product, j), j)], [aj]));
      expect(residual).toBeLessThanOrEqual(C * 30 * EPS * frob([aj]));
    }
  });

  it('stays orthonormal and accurate on subnormal columns', () => {
    const a = randomRows(20, 3, 5).map((row) => [row[0]! * 1e-310, row[1]!, row[2]! * 1e-300]);
    const { q, r } = qr(matOf(a));
    const qr_ = rowsOf(q);
    expect(orthogonalityError(qr_)).toBeLessThanOrEqual(C * 20 * EPS);
    // Column 0 of Q is a_0/‖a_0‖; compare with the same quotient computed at normal scale
    // (scaling by 2^1000 is exact).
    const up = (v: number): number => v * 2 ** 500 * 2 ** 500;
    const scaled = columnOf(a, 0).map(up);
    const norm = frob([scaled]);
    const direction = sub([columnOf(qr_, 0)], [scaled.map((v) => v / norm)])[0]!;
    expect(frob([direction])).toBeLessThanOrEqual(C * 20 * EPS);
    // R[0,0] is subnormal: relative accuracy limited by its 2^-1074 spacing.
    expect(Math.abs(up(rowsOf(r)[0]![0]!) - norm)).toBeLessThanOrEqual(1e-12 * norm);
  });

  it('gives on transposed offset views exactly the result of a contiguous copy', () => {
    fc.assert(
      fc.property(
        arbSize(0, 50),
        arbSize(0, 50),
        arbSeed,
        fc.constantFrom<QrMode>('reduced', 'complete', 'r'),
        (m, n, seed, mode) => {
          const a = randomRows(m, n, seed);
          const fromView = qr(awkwardView(a, n), { mode });
          const fromCopy = qr(matOf(a, n), { mode });
          expect(rowsOf(fromView.r)).toEqual(rowsOf(fromCopy.r));
          if (fromView.q !== null && fromCopy.q !== null)
            expect(rowsOf(fromView.q)).toEqual(rowsOf(fromCopy.q));
        },
      ),
      { numRuns: 20 },
    );
  });

  it('does not modify its input', () => {
    const a = matOf(randomRows(45, 38, 3));
    const before = a.data.slice();
    qr(a, { mode: 'complete' });
    qr(a, { mode: 'r' });
    expect(a.data).toEqual(before);
  });

  it('rejects a non-matrix, a 1-D array, a bad mode, non-finite entries and overflow', () => {
    expect(() => qr([[1]] as unknown as Matrix)).toThrow(InvalidArgumentError);
    expect(() => qr(ndarray(new Float64Array(3), [3]) as unknown as Matrix)).toThrow(ShapeError);
    expect(() => qr(zeros(2, 2), { mode: 'thin' as QrMode })).toThrow(
      /qr: argument 'options.mode'/,
    );
    expect(() => qr(zeros(2, 2), { mode: 'thin' as QrMode })).toThrow(InvalidArgumentError);
    expect(() => qr(fromRows([[1, NaN]]))).toThrow(NonFiniteError);
    expect(() => qr(fromRows([[1.5e308], [1.5e308]]))).toThrow(/R to be representable/);
  });
});

describe('orthonormalizeColumns (internal)', () => {
  it('returns an orthonormal basis containing the range of the input', () => {
    fc.assert(
      fc.property(
        arbSize(0, 80),
        arbSize(0, 80),
        arbSeed,
        fc.boolean(),
        (m0, n0, seed, deficient) => {
          const m = Math.max(m0, n0);
          const n = Math.min(m0, n0);
          const a = deficient ? lowRank(m, n, Math.min(2, n), seed) : randomRows(m, n, seed);
          const q = orthonormalizeColumns(awkwardView(a, n));
          expect(q.shape).toEqual([m, n]);
          const qr_ = rowsOf(q);
          if (n === 0) return;
          expect(orthogonalityError(qr_)).toBeLessThanOrEqual(C * m * EPS);
          const projected = mul(qr_, mul(transpose(qr_), a));
          expect(frob(sub(projected, a))).toBeLessThanOrEqual(C * m * EPS * frob(a));
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('householderQrInPlace (internal)', () => {
  it('writes every entry of the T blocks, so the factor workspace may hold garbage', () => {
    const a = randomRows(3 * QR_BLOCK + 5, 2 * QR_BLOCK + 3, 9);
    const n = a[0]!.length;
    const run = (t: Matrix): Rows => {
      const work = zeros(a.length, n, 'col');
      a.forEach((row, i) => row.forEach((v, j) => work.set(i, j, v)));
      householderQrInPlace(work, t);
      formQInPlace(work, n, t);
      return rowsOf(work);
    };
    const garbage = blockFactorsFor(a.length, n);
    garbage.data.fill(NaN);
    expect(run(garbage)).toEqual(run(blockFactorsFor(a.length, n)));
  });
});
