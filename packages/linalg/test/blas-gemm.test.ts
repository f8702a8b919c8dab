import fc from 'fast-check';
import ndarray from 'ndarray';
import {
  gemm,
  InvalidArgumentError,
  matmul,
  NonFiniteError,
  ShapeError,
  zeros,
} from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
import {
  arbSeed,
  awkwardView,
  EPS,
  matOf,
  mul,
  randomRows,
  rowsOf,
  zerosRows,
} from '../../../test-support/reference';
import type { Rows } from '../../../test-support/reference';

/**
 * Componentwise error bound of a floating-point GEMM against the naive
 * product (which carries the same kind of error):
 * |C − C_ref| ≤ C_TOL·(k + 2)·eps·(|alpha|·(|op(A)||op(B)|) + |beta|·|C0|), C_TOL = 1.
 */
const C_TOL = 1;

const absRows = (a: Rows): Rows => a.map((r) => r.map(Math.abs));

/** Transpose of an m x n row array that keeps its shape when m or n is 0. */
const transposeShaped = (a: Rows, m: number, n: number): Rows =>
  Array.from({ length: n }, (_, j) => Array.from({ length: m }, (_, i) => a[i]![j]!));

interface Case {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly alpha: number;
  readonly beta: number;
  readonly seed: number;
}

/** op(A) (m x k) and op(B) (k x n) as rows, and A, B as stored (transposed when flagged). */
function operands(c: Case): { opA: Rows; opB: Rows; a: Rows; b: Rows } {
  const opA = randomRows(c.m, c.k, c.seed);
  const opB = randomRows(c.k, c.n, c.seed + 1);
  return {
    opA,
    opB,
    a: c.transA ? transposeShaped(opA, c.m, c.k) : opA,
    b: c.transB ? transposeShaped(opB, c.k, c.n) : opB,
  };
}

/** Asserts |got − want| within the GEMM bound, entry by entry. */
function expectGemmClose(got: Matrix, c: Case, opA: Rows, opB: Rows, c0: Rows | null): void {
  // The naive product cannot tell the column count of a k = 0 product.
  const prod = c.k === 0 ? zerosRows(c.m, c.n) : mul(opA, opB);
  const magnitude = c.k === 0 ? zerosRows(c.m, c.n) : mul(absRows(opA), absRows(opB));
  const out = rowsOf(got);
  expect(out.length).toBe(c.m);
  for (let i = 0; i < c.m; i++) {
    expect(out[i]!.length).toBe(c.n);
    for (let j = 0; j < c.n; j++) {
      const prior = c0 === null ? 0 : c0[i]![j]!;
      const want = c.alpha * prod[i]![j]! + c.beta * prior;
      const bound =
        C_TOL *
        (c.k + 2) *
        EPS *
        (Math.abs(c.alpha) * magnitude[i]![j]! + Math.abs(c.beta * prior));
      const err = Math.abs(out[i]![j]! - want);
      if (!(err <= bound)) {
        throw new Error(`C[${i},${j}] = ${out[i]![j]}, want ${want} (err ${err} > ${bound})`);
      }
    }
  }
}

/** A strided output view: the top-left m x n block of a column-major (m+3) x (n+2) workspace at an offset. */
function workspaceBlock(rows: Rows, m: number, n: number): { c: Matrix; data: Float64Array } {
  const ld = m + 3;
  const offset = 2 + ld; // skip one workspace column and two entries
  const data = new Float64Array(offset + ld * (n + 2)).fill(Number.NaN);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) data[offset + i + j * ld] = rows[i]![j]!;
  return { c: ndarray(data, [m, n], [1, ld], offset), data };
}

const arbCase = (maxDim: number): fc.Arbitrary<Case> =>
  fc.record({
    m: fc.integer({ min: 0, max: maxDim }),
    n: fc.integer({ min: 0, max: maxDim }),
    k: fc.integer({ min: 0, max: maxDim }),
    transA: fc.boolean(),
    transB: fc.boolean(),
    alpha: fc.constantFrom(1, -1, 0.5, 2.75, 0),
    beta: fc.constantFrom(0, 1, -0.5, 3),
    seed: arbSeed,
  });

describe('gemm', () => {
  it('matches the naive product for random shapes 0..70, transposes, alpha, beta and awkward views', () => {
    fc.assert(
      fc.property(arbCase(70), fc.boolean(), fc.boolean(), (c, awkwardInputs, strided) => {
        const { opA, opB, a, b } = operands(c);
        const view = awkwardInputs ? awkwardView : matOf;
        const c0 = randomRows(c.m, c.n, c.seed + 2);
        const out = strided ? workspaceBlock(c0, c.m, c.n).c : awkwardView(c0, c.n);
        const returned = gemm(view(a, c.transA ? c.m : c.k), view(b, c.transB ? c.k : c.n), {
          transA: c.transA,
          transB: c.transB,
          alpha: c.alpha,
          beta: c.beta,
          out,
        });
        expect(returned).toBe(out);
        expectGemmClose(out, c, opA, opB, c0);
      }),
      { numRuns: 80 },
    );
  });

  it('returns a fresh m x n product without c (beta ignored)', () => {
    fc.assert(
      fc.property(arbCase(40), (c) => {
        const { opA, opB, a, b } = operands(c);
        const out = gemm(matOf(a, c.transA ? c.m : c.k), matOf(b, c.transB ? c.k : c.n), {
          transA: c.transA,
          transB: c.transB,
          alpha: c.alpha,
          beta: c.beta,
        });
        expect(out.shape).toEqual([c.m, c.n]);
        expectGemmClose(out, { ...c, beta: 0 }, opA, opB, null);
      }),
      { numRuns: 30 },
    );
  });

  // Shapes on both sides of the packing block sizes (MR = NR = 3, KC = 256, MC = 120, NC = 510)
  // and of the unpacked paths (m·n·k <= 256; a single row or column goes through gemv), all
  // transpose combinations.
  const blockCases: readonly [number, number, number][] = [
    [1, 1, 1],
    [1, 40, 30],
    [40, 1, 30],
    [3, 4, 5],
    [6, 7, 6],
    [63, 64, 65],
    [65, 63, 64],
    [129, 5, 257],
    [5, 129, 513],
    [257, 65, 129],
    [4, 1021, 9],
    [7, 1022, 6],
  ];
  it.each(blockCases)('is accurate across block boundaries: m=%i n=%i k=%i', (m, n, k) => {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const c: Case = { m, n, k, transA, transB, alpha: -1.5, beta: 0.5, seed: m * 1000 + n + k };
        const { opA, opB, a, b } = operands(c);
        const c0 = randomRows(m, n, c.seed + 2);
        const { c: out, data } = workspaceBlock(c0, m, n);
        gemm(awkwardView(a), awkwardView(b), {
          transA,
          transB,
          alpha: c.alpha,
          beta: c.beta,
          out,
        });
        expectGemmClose(out, c, opA, opB, c0);
        // Entries of the workspace outside the view stay untouched (NaN).
        let outside = 0;
        for (const v of data) if (Number.isNaN(v)) outside++;
        expect(outside).toBe(data.length - m * n);
      }
    }
  });

  it('overwrites NaN in c when beta = 0 (small and packed paths)', () => {
    for (const [m, n, k] of [
      [3, 2, 4],
      [70, 50, 60],
    ] as const) {
      const a = matOf(randomRows(m, k, 1));
      const b = matOf(randomRows(k, n, 2));
      const c = zeros(m, n);
      c.data.fill(Number.NaN);
      gemm(a, b, { out: c, beta: 0 });
      expectGemmClose(
        c,
        { m, n, k, transA: false, transB: false, alpha: 1, beta: 0, seed: 0 },
        rowsOf(a),
        rowsOf(b),
        null,
      );
    }
  });

  it('overwrites NaN in out with zeros when k = 0 or alpha = 0 and beta = 0', () => {
    const c = zeros(2, 3);
    c.data.fill(Number.NaN);
    gemm(zeros(2, 0), zeros(0, 3), { out: c });
    expect(Array.from(c.data)).toEqual([0, 0, 0, 0, 0, 0]);
    c.data.fill(Number.NaN);
    gemm(matOf([[1], [2]]), matOf([[1, 2, 3]]), { out: c, alpha: 0 });
    expect(Array.from(c.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('handles 0-size operands', () => {
    expect(gemm(zeros(0, 4), zeros(4, 3)).shape).toEqual([0, 3]);
    expect(gemm(zeros(2, 4), zeros(4, 0)).shape).toEqual([2, 0]);
    expect(rowsOf(gemm(zeros(2, 0), zeros(0, 2)))).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('does not modify its inputs', () => {
    const aRows = randomRows(40, 30, 5);
    const bRows = randomRows(30, 50, 6);
    const a = matOf(aRows);
    const b = matOf(bRows);
    gemm(a, b);
    expect(rowsOf(a)).toEqual(aRows);
    expect(rowsOf(b)).toEqual(bRows);
  });

  it('matmul is gemm with defaults', () => {
    const a = randomRows(7, 9, 11);
    const b = randomRows(9, 5, 12);
    expectGemmClose(
      matmul(awkwardView(a), matOf(b)),
      { m: 7, n: 5, k: 9, transA: false, transB: false, alpha: 1, beta: 0, seed: 0 },
      a,
      b,
      null,
    );
  });

  describe('errors', () => {
    const a = zeros(2, 3);
    const b = zeros(3, 4);
    it('rejects mismatched inner dimensions', () => {
      expect(() => gemm(a, zeros(2, 4))).toThrow(ShapeError);
      expect(() => gemm(a, b, { transA: true })).toThrow(ShapeError);
      expect(() => matmul(a, a)).toThrow(ShapeError);
    });
    it('rejects a c of the wrong shape', () => {
      expect(() => gemm(a, b, { out: zeros(2, 3) })).toThrow(ShapeError);
    });
    it('rejects non-2-D arguments', () => {
      const v = ndarray(new Float64Array(6), [6]);
      expect(() => gemm(v, b)).toThrow(ShapeError);
      expect(() => gemm(a, b, { out: ndarray(new Float64Array(8), [2, 2, 2]) })).toThrow(
        ShapeError,
      );
    });
    it('rejects non-float64 storage and non-matrices', () => {
      const f32 = ndarray(new Float32Array(6), [2, 3]) as unknown as Matrix;
      expect(() => gemm(f32, b)).toThrow(InvalidArgumentError);
      expect(() => gemm(a, [[1]] as unknown as Matrix)).toThrow(InvalidArgumentError);
    });
    it('rejects non-finite entries in a, b and (when beta != 0) c', () => {
      const bad = zeros(3, 4);
      bad.set(1, 2, Number.POSITIVE_INFINITY);
      expect(() => gemm(a, bad)).toThrow(NonFiniteError);
      const badA = zeros(2, 3);
      badA.set(0, 0, Number.NaN);
      expect(() => gemm(badA, b)).toThrow(NonFiniteError);
      const c = zeros(2, 4);
      c.set(1, 1, Number.NaN);
      expect(() => gemm(a, b, { out: c, beta: 1 })).toThrow(NonFiniteError);
      expect(() => gemm(a, b, { out: c, beta: 0 })).not.toThrow();
    });
    it('rejects non-finite scalars', () => {
      expect(() => gemm(a, b, { alpha: Number.NaN })).toThrow(InvalidArgumentError);
      expect(() => gemm(a, b, { beta: Number.POSITIVE_INFINITY })).toThrow(InvalidArgumentError);
    });
  });
});
