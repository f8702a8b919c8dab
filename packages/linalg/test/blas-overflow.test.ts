import fc from 'fast-check';
import {
  axpy,
  dot,
  fromRows,
  gemm,
  gemv,
  NonFiniteError,
  setKernels,
  syrk,
  toRows,
  zeros,
} from '@bkfac/linalg';
import { arbSeed, randomRows } from '../../../test-support/reference';

const BIG = 1e200;

afterEach(() => setKernels('auto'));

describe('results beyond float64 are typed errors, never silent ±Infinity (issue 12, defect 4)', () => {
  test.each(['js', 'wasm'] as const)('gemm with a fresh output, %s kernels', (path) => {
    setKernels(path);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        arbSeed,
        (m, k, seed) => {
          const a = fromRows(randomRows(m, k, seed).map((r) => r.map((v) => v * BIG)));
          const b = fromRows(randomRows(k, m, seed + 1).map((r) => r.map((v) => v * BIG)));
          expect(() => gemm(a, b)).toThrow(NonFiniteError);
          expect(() => gemm(a, b)).toThrow(
            /^gemm: argument 'result' must be finite, received (-?Infinity|NaN) at \(\d+, \d+\): the result of a, b overflows float64$/,
          );
        },
      ),
      { numRuns: 20 },
    );
  });

  test.each(['js', 'wasm'] as const)(
    'gemm into a caller’s c leaves c as it was, %s kernels',
    (path) => {
      setKernels(path);
      const n = 30;
      const a = fromRows(randomRows(n, n, 3).map((r) => r.map((v) => v * BIG)));
      const c = fromRows(randomRows(n, n, 4));
      const before = toRows(c);
      expect(() => gemm(a, a, { out: c, beta: 1 })).toThrow(/^gemm: argument 'result'.*overflows/);
      expect(toRows(c)).toEqual(before);
    },
  );

  test('large but representable products still succeed, in place', () => {
    // The magnitude bound (2e308) cannot rule out overflow, so this goes through the checked scratch.
    const a = fromRows([
      [1e154, 5e153],
      [0, 1e154],
    ]);
    const c = zeros(2, 2);
    expect(gemm(a, a, { transB: true, out: c })).toBe(c);
    const want = [
      [1.25e308, 5e307],
      [5e307, 1e308],
    ];
    toRows(c).forEach((row, i) =>
      row.forEach((v, j) => expect(Math.abs(v / want[i]![j]! - 1)).toBeLessThan(1e-15)),
    );
  });

  test('syrk: an overflowing A·Aᵀ is a typed error; the caller’s c is unchanged', () => {
    const a = fromRows([[1e200, 1e200, 1]]);
    expect(() => syrk(a)).toThrow(
      /^syrk: argument 'result' must be finite, received Infinity at \(0, 0\): the result of a overflows float64$/,
    );
    const c = fromRows([[5]]);
    expect(() => syrk(a, { out: c, beta: 1 })).toThrow(NonFiniteError);
    expect(toRows(c)).toEqual([[5]]);
  });
});

describe('level-1 results beyond float64 (issue 12, defect 4)', () => {
  test('dot of entries whose products overflow is a typed error', () => {
    const x = Float64Array.of(1e200, 1e200);
    expect(() => dot(x, x)).toThrow(NonFiniteError);
    expect(() => dot(x, x)).toThrow(
      /^dot: argument 'result' must be finite, received Infinity at xᵀy, which overflows float64$/,
    );
    expect(dot(Float64Array.of(1e154, 1e154), Float64Array.of(1e154, -1e154))).toBe(0);
  });

  test('axpy that overflows is a typed error and leaves the caller’s out unchanged', () => {
    const x = Float64Array.of(1, 1e308, 1);
    const y = Float64Array.of(2, 1e308, 3);
    const out = Float64Array.of(4, 5, 6);
    expect(() => axpy(1, x, y, { out })).toThrow(
      /^axpy: argument 'result' must be finite, received Infinity at \[1\]/,
    );
    expect(Array.from(out)).toEqual([4, 5, 6]);
  });
});

describe('gemv results beyond float64 (issue 12, defect 4)', () => {
  const a = fromRows([
    [1e200, 1],
    [1, 1],
  ]);
  const x = Float64Array.of(1e200, 1);

  test('a fresh y: typed error naming gemv', () => {
    expect(() => gemv(a, x)).toThrow(
      /^gemv: argument 'result' must be finite, received Infinity at \(0, 0\): the result of a, x overflows float64$/,
    );
  });

  test('a caller’s y (beta = 1) is left as it was', () => {
    const y = Float64Array.of(7, 8);
    expect(() => gemv(a, x, { out: y, beta: 1 })).toThrow(NonFiniteError);
    expect(Array.from(y)).toEqual([7, 8]);
  });

  test('a large but representable product still lands in y', () => {
    const y = Float64Array.of(7, 8);
    gemv(fromRows([[1e154, 1e154]]), Float64Array.of(1e154, 5e153), { out: y.subarray(1) });
    expect(y[0]).toBe(7);
    expect(Math.abs(y[1]! / 1.5e308 - 1)).toBeLessThan(1e-15);
  });
});
