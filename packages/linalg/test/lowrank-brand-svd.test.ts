import fc from 'fast-check';
import {
  brandSvdUpdate,
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
  svdAppendColumns,
  zeros,
  type LeftSvd,
  type LowRankSvd,
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
  referenceSingularValues,
  rowsOf,
  scale,
  sub,
  transpose,
  uniformStream,
  type Rows,
} from '../../../test-support/reference';
import { EPS, projectorDistanceBound, reconstructSvd } from './lowrank-helpers';

/** Stated constant of the reconstruction bound `C·(m + p + k + c)·eps·‖X⁺‖_F`. */
const C = 4;

function randomSvd(m: number, p: number, k: number, seed: number): LowRankSvd & { dense: Rows } {
  const u = uniformStream(seed);
  const s = Float64Array.from({ length: k }, () => 1 + 3 * u())
    .sort()
    .reverse();
  const ur = k === 0 ? Array.from({ length: m }, () => []) : randomOrthonormal(m, k, seed + 1);
  const vr = k === 0 ? Array.from({ length: p }, () => []) : randomOrthonormal(p, k, seed + 2);
  const svd = { u: matOf(ur, k), s, v: matOf(vr, k) };
  return { ...svd, dense: reconstructSvd(svd.u, svd.s, svd.v) };
}

function expectValid(x: LowRankSvd): void {
  expect(orthogonalityError(rowsOf(x.u))).toBeLessThanOrEqual(1e-12);
  expect(orthogonalityError(rowsOf(x.v))).toBeLessThanOrEqual(1e-12);
  for (let i = 0; i < x.s.length; i++) {
    expect(x.s[i]!).toBeGreaterThanOrEqual(0);
    if (i > 0) expect(x.s[i]!).toBeLessThanOrEqual(x.s[i - 1]!);
  }
}

describe('brandSvdUpdate', () => {
  it('is exact without truncation: U⁺S⁺V⁺ᵀ = ρ·USVᵀ + ABᵀ', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 6 }),
        (seed, m, p, k0, c) => {
          const k = Math.min(k0, m, p);
          const prev = randomSvd(m, p, k, seed);
          const a = randomRows(m, c, seed + 3);
          const b = randomRows(p, c, seed + 4);
          const out = brandSvdUpdate(prev, awkwardView(a, c), matOf(b, c), { decay: 0.7 });
          const dense = add(scale(prev.dense, 0.7), mul(a, transpose(b)));
          expect(frob(sub(reconstructSvd(out.u, out.s, out.v), dense))).toBeLessThanOrEqual(
            C * (m + p + k + c) * EPS * frob(dense),
          );
          expectValid(out);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('with rank t is the best rank-t approximation (Eckart–Young)', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.integer({ min: 5, max: 25 }),
        fc.integer({ min: 1, max: 4 }),
        (seed, m, t) => {
          const p = m + 3;
          const prev = randomSvd(m, p, 4, seed);
          const a = randomRows(m, 3, seed + 5);
          const b = randomRows(p, 3, seed + 6);
          const out = brandSvdUpdate(prev, matOf(a, 3), matOf(b, 3), { rank: t });
          expect(out.s.length).toBe(t);
          const dense = add(prev.dense, mul(a, transpose(b)));
          const sigma = referenceSingularValues(dense);
          const tail = Math.sqrt(sigma.slice(t).reduce((acc, x) => acc + x * x, 0));
          const err = frob(sub(dense, reconstructSvd(out.u, out.s, out.v)));
          expect(Math.abs(err - tail)).toBeLessThanOrEqual(1e-9 * sigma[0]!);
          expectValid(out);
        },
      ),
      { numRuns: 25 },
    );
  });

  const m = 40;
  const p = 35;
  const prev = randomSvd(m, p, 8, 50);
  const ur = rowsOf(prev.u);
  const vr = rowsOf(prev.v);
  const graded = (rows: Rows): Rows => rows.map((row) => row.map((x, j) => x * 10 ** (-8 + 4 * j)));
  const cases: [string, Rows, Rows][] = [
    ['both inside the spans', mul(ur, randomRows(8, 5, 51)), mul(vr, randomRows(8, 5, 52))],
    [
      '1e-9 off the spans',
      add(mul(ur, randomRows(8, 5, 53)), scale(randomRows(m, 5, 54), 1e-9)),
      add(mul(vr, randomRows(8, 5, 55)), scale(randomRows(p, 5, 56), 1e-9)),
    ],
    ['zero', randomRows(m, 5, 57).map((r) => r.map(() => 0)), randomRows(p, 5, 58)],
    ['graded column scales', graded(randomRows(m, 5, 59)), graded(randomRows(p, 5, 60))],
    [
      'nearly duplicated columns',
      randomRows(m, 5, 63).map((r) => r.map((x, j) => (j % 2 === 0 ? x : r[j - 1]! + 1e-9 * x))),
      randomRows(p, 5, 64).map((r) => r.map((x, j) => (j % 2 === 0 ? x : r[j - 1]! + 1e-9 * x))),
    ],
    [
      'duplicated columns',
      randomRows(m, 5, 61).map((r) => [r[0]!, r[0]!, r[1]!, r[1]!, r[2]!]),
      randomRows(p, 5, 62),
    ],
  ];
  it.each(cases)('%s: orthonormal to 1e-12 on both sides and exact', (_name, a, b) => {
    const out = brandSvdUpdate(prev, matOf(a, 5), matOf(b, 5));
    expectValid(out);
    const dense = add(prev.dense, mul(a, transpose(b)));
    expect(frob(sub(reconstructSvd(out.u, out.s, out.v), dense))).toBeLessThanOrEqual(
      C * (m + p + 13) * EPS * frob(dense),
    );
  });
});

describe('svdAppendColumns', () => {
  it('streams the columns of a matrix into its exact thin SVD', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 1, max: 5 }),
        (seed, m, chunk) => {
          const x = randomRows(m, 4 * chunk, seed);
          let state: LowRankSvd = { u: zeros(m, 0), s: new Float64Array(0), v: zeros(0, 0) };
          for (let j = 0; j < 4; j++) {
            const block = x.map((row) => row.slice(j * chunk, (j + 1) * chunk));
            state = svdAppendColumns(state, matOf(block, chunk));
          }
          expect(state.v.shape[0]).toBe(4 * chunk);
          expect(frob(sub(reconstructSvd(state.u, state.s, state.v), x))).toBeLessThanOrEqual(
            C * (m + 8 * chunk) * EPS * frob(x) * 4,
          );
          expectValid(state);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('tracks the principal components of a stream without right vectors (incremental PCA)', () => {
    const m = 30;
    const basis = randomOrthonormal(m, 3, 70);
    const noise = (seed: number): Rows => scale(randomRows(m, 10, seed), 1e-3);
    let pca: LeftSvd = { u: zeros(m, 0), s: new Float64Array(0) };
    let all: Rows = Array.from({ length: m }, () => []);
    for (let step = 0; step < 6; step++) {
      const coords = randomRows(3, 10, 80 + step).map((row, i) => row.map((x) => x * (3 - i)));
      const block = add(mul(basis, coords), noise(90 + step));
      pca = svdAppendColumns(pca, matOf(block, 10), { rank: 5 });
      all = all.map((row, i) => [...row, ...block[i]!]);
    }
    expect('v' in pca).toBe(false);
    const sigma = referenceSingularValues(all);
    // Truncating a stream only drops noise-level directions here.
    Array.from(pca.s)
      .slice(0, 3)
      .forEach((x, i) => expect(Math.abs(x - sigma[i]!)).toBeLessThanOrEqual(1e-4 * sigma[0]!));
    // The top-3 subspace is the dense one (Davis–Kahan against the Gram matrix of all data).
    const top = Array.from(pca.s.slice(0, 3), (x) => x * x);
    const bound = projectorDistanceBound(
      mul(all, transpose(all)),
      top,
      matOf(
        rowsOf(pca.u).map((row) => row.slice(0, 3)),
        3,
      ),
    );
    expect(bound).toBeLessThanOrEqual(1e-6);
    expect(orthogonalityError(rowsOf(pca.u))).toBeLessThanOrEqual(1e-12);
  });
});

describe('Brand SVD updates: errors', () => {
  const prev = randomSvd(6, 5, 2, 100);
  const a = matOf(randomRows(6, 2, 101), 2);
  const b = matOf(randomRows(5, 2, 102), 2);
  it('reject inconsistent shapes', () => {
    expect(() => brandSvdUpdate(prev, matOf(randomRows(7, 2, 1), 2), b)).toThrow(ShapeError);
    expect(() => brandSvdUpdate(prev, a, matOf(randomRows(5, 3, 1), 3))).toThrow(ShapeError);
    expect(() => brandSvdUpdate({ ...prev, s: new Float64Array(3) }, a, b)).toThrow(ShapeError);
    expect(() => svdAppendColumns(prev, matOf(randomRows(5, 2, 1), 2))).toThrow(ShapeError);
  });
  it('reject non-orthonormal bases on either side', () => {
    const bad = matOf(
      rowsOf(prev.v).map((r) => r.map((x) => 2 * x)),
      2,
    );
    expect(() => brandSvdUpdate({ ...prev, v: bad }, a, b)).toThrow(InvalidArgumentError);
    expect(() =>
      svdAppendColumns(
        {
          ...prev,
          u: matOf(
            rowsOf(prev.u).map((r) => r.map((x) => 2 * x)),
            2,
          ),
        },
        a,
      ),
    ).toThrow(InvalidArgumentError);
  });
  it('reject invalid options', () => {
    expect(() => brandSvdUpdate(prev, a, b, { rank: 6 })).toThrow(InvalidArgumentError);
    expect(() => brandSvdUpdate(prev, a, b, { decay: -1 })).toThrow(InvalidArgumentError);
    expect(() => svdAppendColumns(prev, a, { tolerance: -1 })).toThrow(InvalidArgumentError);
    expect(() => svdAppendColumns(prev, a, { rank: 0 })).toThrow(InvalidArgumentError);
  });
  it('reject non-finite input and malformed representations', () => {
    const rows = rowsOf(a);
    rows[0]![0] = NaN;
    expect(() => brandSvdUpdate(prev, matOf(rows, 2), b)).toThrow(NonFiniteError);
    expect(() => svdAppendColumns(prev, matOf(rows, 2))).toThrow(NonFiniteError);
    expect(() => brandSvdUpdate(null as never, a, b)).toThrow(InvalidArgumentError);
    expect(() => svdAppendColumns({ u: prev.u, s: [1, 2] as never }, a)).toThrow(
      InvalidArgumentError,
    );
  });
});
