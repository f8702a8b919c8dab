import fc from 'fast-check';
import {
  computeInfo,
  ComputeEngineError,
  copy,
  createRng,
  eigh,
  gaussianMatrix,
  gemm,
  InvalidArgumentError,
  setKernels,
  setThreads,
  svd,
} from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
import { activeEngine } from '../src/compute/config';
import { injectWorkerFault } from '../src/wasm/engine';
import { arbSeed, awkwardView, EPS, randomRows, rowsOf } from '../../../test-support/reference';

/**
 * The two kernel paths add the same products in different groupings, so they
 * agree to the rounding of a length-k dot product, entry by entry:
 * |C_wasm − C_js| ≤ 2·(k + 2)·eps·(|alpha|·(|op(A)||op(B)|) + |beta·C0|)
 * (each path is within (k + 2)·eps·(…) of the exact result).
 */
function expectPathsAgree(
  wasm: Matrix,
  js: Matrix,
  opA: number[][],
  opB: number[][],
  alpha: number,
  beta: number,
  c0: number[][],
): void {
  const w = rowsOf(wasm);
  const s = rowsOf(js);
  const k = opB.length;
  for (let i = 0; i < w.length; i++) {
    for (let j = 0; j < w[i]!.length; j++) {
      let magnitude = 0;
      for (let p = 0; p < k; p++) magnitude += Math.abs(opA[i]![p]! * opB[p]![j]!);
      const bound = 2 * (k + 2) * EPS * (Math.abs(alpha) * magnitude + Math.abs(beta * c0[i]![j]!));
      const err = Math.abs(w[i]![j]! - s[i]![j]!);
      if (!(err <= bound))
        throw new Error(`C[${i},${j}]: wasm ${w[i]![j]}, js ${s[i]![j]} (${err} > ${bound})`);
    }
  }
}

const transposeRows = (a: number[][]): number[][] => a[0]!.map((_, j) => a.map((r) => r[j]!));

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  seed: number;
}

/** Runs one product with fresh awkward (offset, strided, column-major) operands. */
function product(c: Case, opA: number[][], opB: number[][], c0: number[][]): Matrix {
  const a = awkwardView(c.transA ? transposeRows(opA) : opA, c.transA ? c.m : c.k);
  const b = awkwardView(c.transB ? transposeRows(opB) : opB, c.transB ? c.k : c.n);
  const out = awkwardView(c0, c.n);
  return gemm(a, b, { transA: c.transA, transB: c.transB, alpha: c.alpha, beta: c.beta, out });
}

const arbCase = fc.record({
  // Large enough to reach the packed kernels and their ragged edges.
  m: fc.integer({ min: 2, max: 70 }),
  n: fc.integer({ min: 2, max: 70 }),
  k: fc.integer({ min: 1, max: 300 }),
  transA: fc.boolean(),
  transB: fc.boolean(),
  alpha: fc.constantFrom(1, -0.5, 3e150, 1e-160),
  beta: fc.constantFrom(0, 1, -2),
  seed: arbSeed,
});

const original = computeInfo();

afterEach(() => {
  setKernels('auto');
  setThreads(1);
});

afterAll(() => {
  setKernels(original.kernels);
  setThreads(original.threads);
});

describe('compute engine configuration', () => {
  test('the Wasm path is available on Node 20, with threads', () => {
    const info = computeInfo();
    expect(info.wasmUnavailable).toBeNull();
    expect(info.maxThreads).toBeGreaterThan(1);
  });

  test('setKernels switches paths and reports the path in use', () => {
    expect(setKernels('js')).toBe('js');
    expect(computeInfo()).toMatchObject({ kernels: 'js', threads: 1 });
    expect(setKernels('wasm')).toBe('wasm');
    expect(computeInfo().kernels).toBe('wasm');
  });

  test('threads count on the Wasm path only', () => {
    setKernels('wasm');
    expect(setThreads(2)).toBe(2);
    expect(computeInfo().threads).toBe(2);
    setKernels('js');
    expect(computeInfo().threads).toBe(1);
  });

  test.each([['gpu'], [''], [undefined], [1]])('setKernels(%p) is a typed error', (bad) => {
    const before = computeInfo();
    expect(() => setKernels(bad as never)).toThrow(InvalidArgumentError);
    expect(() => setKernels(bad as never)).toThrow(/setKernels.*choice/);
    expect(computeInfo()).toEqual(before);
  });

  test.each([[0], [1.5], [65], [NaN], ['2']])('setThreads(%p) is a typed error', (bad) => {
    const before = computeInfo();
    expect(() => setThreads(bad as never)).toThrow(InvalidArgumentError);
    expect(() => setThreads(bad as never)).toThrow(/setThreads.*threads/);
    expect(computeInfo()).toEqual(before);
  });
});

describe('Wasm and scalar kernels agree to rounding', () => {
  test('on every shape, transpose, layout and scale', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const opA = randomRows(c.m, c.k, c.seed);
        const opB = randomRows(c.k, c.n, c.seed + 1);
        const c0 = randomRows(c.m, c.n, c.seed + 2);
        setKernels('js');
        const js = product(c, opA, opB, c0);
        setKernels('wasm');
        const wasm = product(c, opA, opB, c0);
        expectPathsAgree(wasm, js, opA, opB, c.alpha, c.beta, c0);
      }),
      { numRuns: 40 },
    );
  });

  test('with beta = 0, NaN in C is not read on either path', () => {
    const opA = randomRows(40, 50, 7);
    const opB = randomRows(50, 30, 8);
    const c0 = randomRows(40, 30, 9).map((r) => r.map(() => NaN));
    const c: Case = {
      m: 40,
      n: 30,
      k: 50,
      transA: false,
      transB: true,
      alpha: 1,
      beta: 0,
      seed: 0,
    };
    setKernels('js');
    const js = product(c, opA, opB, c0);
    setKernels('wasm');
    const wasm = product(c, opA, opB, c0);
    expect(rowsOf(wasm).flat().every(Number.isFinite)).toBe(true);
    expectPathsAgree(wasm, js, opA, opB, 1, 0, randomRows(40, 30, 9));
  });
});

type Level2 = 'symvLower' | 'gemvT' | 'gemvN';
/** The scale gemvN applies to x (not a power of two, so its rounding counts). */
const GEMV_ALPHA = -1.3;

/**
 * Runs one matrix-vector kernel of the engine on `a` (column-major `rows x cols`,
 * leading dimension `lda`) and `x`, `y` placed after it in the engine's memory;
 * returns the new `y` and, per entry, Σ|a||x| of its sum.
 */
function level2(
  kernel: Level2,
  rows: number,
  cols: number,
  lda: number,
  seed: number,
): { y: number[]; exact: number[]; magnitude: number[] } {
  const engine = activeEngine()!;
  const inLength = kernel === 'gemvT' ? rows : cols;
  const outLength = kernel === 'gemvT' ? cols : rows;
  const aSize = lda * cols;
  const base = engine.reserve(8 * (aSize + inLength + outLength + 3)) as number;
  // Odd element offsets, so pairs of doubles straddle 16-byte boundaries.
  const at = base / 8 + 1;
  const mem = engine.doubles();
  const a = randomRows(1, aSize, seed)[0]!;
  const x = randomRows(1, inLength, seed + 1)[0]!;
  const y0 = randomRows(1, outLength, seed + 2)[0]!;
  mem.set(a, at);
  mem.set(x, at + aSize);
  mem.set(y0, at + aSize + inLength + 1);
  const addr = (i: number) => 8 * (at + i);
  const yAt = aSize + inLength + 1;
  if (kernel === 'symvLower') engine.symvLower(rows, addr(0), lda, addr(aSize), addr(yAt));
  else if (kernel === 'gemvT') engine.gemvT(rows, cols, addr(0), lda, addr(aSize), addr(yAt));
  else engine.gemvN(rows, cols, GEMV_ALPHA, addr(0), lda, addr(aSize), addr(yAt));
  const y = Array.from(mem.subarray(at + yAt, at + yAt + outLength));
  const entry = (i: number, j: number) =>
    kernel === 'symvLower' ? a[Math.max(i, j) + Math.min(i, j) * lda]! : a[i + j * lda]!;
  const exact: number[] = [];
  const magnitude: number[] = [];
  for (let o = 0; o < outLength; o++) {
    let sum = kernel === 'gemvN' ? y0[o]! : 0;
    let size = Math.abs(sum);
    for (let p = 0; p < inLength; p++) {
      const v = kernel === 'gemvT' ? entry(p, o) : entry(o, p);
      const xp = kernel === 'gemvN' ? GEMV_ALPHA * x[p]! : x[p]!;
      sum += v * xp;
      size += Math.abs(v * xp);
    }
    exact.push(sum);
    magnitude.push(size);
  }
  return { y, exact, magnitude };
}

describe('Wasm matrix-vector kernels of the reductions', () => {
  // Each entry is a sum of at most len + 1 terms: |y − y_ref| ≤ 2·(len + 2)·eps·Σ|a||x|
  // (both the kernel and the plain reference sum are within (len + 2)·eps·Σ|a||x| of the exact value).
  test.each([['symvLower'], ['gemvT'], ['gemvN']] as const)(
    '%s matches a plain sum on every size, odd row and leading dimension',
    (kernel) => {
      setKernels('wasm');
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 3 }),
          arbSeed,
          (rows, colsIfGeneral, pad, seed) => {
            const cols = kernel === 'symvLower' ? rows : colsIfGeneral;
            const { y, exact, magnitude } = level2(kernel, rows, cols, rows + pad, seed);
            const len = kernel === 'gemvT' ? rows : cols;
            y.forEach((v, i) => {
              const bound = 2 * (len + 2) * EPS * magnitude[i]!;
              if (!(Math.abs(v - exact[i]!) <= bound))
                throw new Error(`${kernel} y[${i}] = ${v}, reference ${exact[i]} (bound ${bound})`);
            });
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  test('symvLower never reads the strictly upper triangle', () => {
    setKernels('wasm');
    const engine = activeEngine()!;
    const n = 9;
    const base = engine.reserve(8 * (n * n + 2 * n)) as number;
    const at = base / 8;
    const mem = engine.doubles();
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) mem[at + i + j * n] = i >= j ? 1 : NaN;
    mem.fill(1, at + n * n, at + n * n + n);
    engine.symvLower(n, 8 * at, n, 8 * (at + n * n), 8 * (at + n * n + n));
    expect(Array.from(mem.subarray(at + n * n + n, at + n * n + 2 * n))).toEqual(
      new Array<number>(n).fill(n),
    );
  });
});

describe('Wasm finiteness probe', () => {
  test('is zero exactly when every double is finite, at any length and position', () => {
    setKernels('wasm');
    const engine = activeEngine()!;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 39 }),
        fc.constantFrom(NaN, Infinity, -Infinity, null),
        fc.constantFrom(1, 1.7e308, -5e-324, 0),
        (count, position, bad, fill) => {
          const base = engine.reserve(8 * (count + 1)) as number;
          const at = base / 8 + 1; // odd element offset: unaligned pairs
          const mem = engine.doubles();
          mem.fill(fill, at, at + count);
          const poisoned = bad !== null && position < count;
          if (poisoned) mem[at + position] = bad;
          const probe = engine.finiteProbe(8 * at, count);
          expect(probe === 0).toBe(!poisoned);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/**
 * The reductions run in the engine's memory on the Wasm path; both paths are
 * backward stable, so by Weyl's inequality their eigenvalues (singular values)
 * agree to twice the backward error, taken here as n·eps·‖A‖₂ per path.
 */
describe('eigh and svd agree across kernel paths', () => {
  test.each([[1], [2], [17], [64], [131]])('eigh, n = %p', (n) => {
    const g = gaussianMatrix(n, n, createRng(n), 'col');
    const a = gemm(g, g, { transB: true });
    setKernels('js');
    const js = eigh(a).values;
    setKernels('wasm');
    const wasm = eigh(a).values;
    const bound = 2 * n * EPS * Math.max(...js.map(Math.abs));
    js.forEach((v, i) => expect(Math.abs(v - wasm[i]!)).toBeLessThanOrEqual(bound));
  });

  test.each([
    [1, 1],
    [40, 7],
    [90, 90],
    [300, 70],
  ])('svd, %p x %p', (m, n) => {
    const a = gaussianMatrix(m, n, createRng(m + n), 'col');
    setKernels('js');
    const js = svd(a).s;
    setKernels('wasm');
    const wasm = svd(a).s;
    const bound = 2 * m * EPS * js[0]!;
    js.forEach((v, i) => expect(Math.abs(v - wasm[i]!)).toBeLessThanOrEqual(bound));
  });
});

/** Entries that differ in any bit (NaN payloads aside), between two equally shaped matrices. */
function bitwiseDifferences(x: Matrix, y: Matrix): number {
  let differ = 0;
  const [m, n] = x.shape as [number, number];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) if (!Object.is(x.get(i, j), y.get(i, j))) differ++;
  return differ;
}

/** Waits (up to 1 s) until the worker polls for work, so the next mid-sized product is split. */
function wakeWorkers(): void {
  const engine = activeEngine()!;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 1000 && !engine.workersAwake(2); i++) Atomics.wait(pause, 0, 0, 1);
}

describe('threads', () => {
  test('results are bitwise identical for 1 and 2 threads', () => {
    setKernels('wasm');
    fc.assert(
      fc.property(
        fc.integer({ min: 130, max: 400 }),
        fc.integer({ min: 130, max: 400 }),
        fc.integer({ min: 130, max: 400 }),
        fc.boolean(),
        arbSeed,
        (m, n, k, transA, seed) => {
          const c: Case = { m, n, k, transA, transB: !transA, alpha: -1.5, beta: 0.5, seed };
          const opA = randomRows(m, k, seed);
          const opB = randomRows(k, n, seed + 1);
          const c0 = randomRows(m, n, seed + 2);
          setThreads(1);
          const one = product(c, opA, opB, c0);
          setThreads(2);
          wakeWorkers();
          const two = product(c, opA, opB, c0);
          expect(bitwiseDifferences(one, two)).toBe(0);
        },
      ),
      { numRuns: 6 },
    );
  });

  test('eigh and svd are bitwise identical for 1 and 2 threads', () => {
    setKernels('wasm');
    // Wide enough that the reductions' trailing products are split over both threads.
    const g = gaussianMatrix(600, 600, createRng(5), 'col');
    const a = gemm(g, g, { transB: true });
    const tall = gaussianMatrix(700, 600, createRng(6), 'col');
    setThreads(1);
    const one = eigh(a);
    const oneSvd = svd(tall);
    setThreads(2);
    wakeWorkers();
    const two = eigh(a);
    wakeWorkers();
    const twoSvd = svd(tall);
    expect(bitwiseDifferences(one.vectors, two.vectors)).toBe(0);
    expect(Array.from(one.values)).toEqual(Array.from(two.values));
    expect(bitwiseDifferences(oneSvd.u, twoSvd.u)).toBe(0);
    expect(bitwiseDifferences(oneSvd.v, twoSvd.v)).toBe(0);
  });

  test.each([
    [1, /worker thread 1 failed/],
    [2, /worker thread 1 exited/],
  ] as const)(
    'a worker fault (%p) is a typed error, leaves C unchanged, and later calls work',
    (kind, message) => {
      setKernels('wasm');
      // 1024³ multiply-adds: split over both threads even if the worker sleeps (smaller ones then run on one).
      const n = 1024;
      const a = gaussianMatrix(n, n, createRng(1), 'col');
      const b = gaussianMatrix(n, n, createRng(2), 'row');
      const out = gaussianMatrix(n, n, createRng(3), 'row');
      setThreads(1);
      const expected = gemm(a, b);
      setThreads(2);
      const before = copy(out);
      injectWorkerFault(kind);
      let thrown: unknown;
      try {
        gemm(a, b, { out, beta: 1 });
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ComputeEngineError);
      expect((thrown as Error).message).toMatch(message);
      expect(bitwiseDifferences(out, before)).toBe(0);
      expect(computeInfo().threads).toBe(1);
      expect(bitwiseDifferences(gemm(a, b), expected)).toBe(0);
      expect(setThreads(2)).toBe(2);
      expect(bitwiseDifferences(gemm(a, b), expected)).toBe(0);
    },
  );
});
