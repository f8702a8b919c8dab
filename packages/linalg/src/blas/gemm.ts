/**
 * General matrix product C = alpha·op(A)·op(B) + beta·C.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { zeros } from '../core/matrix.js';
import { assertBoolean, assertFinite, assertMatrix, assertNumber } from '../core/validate.js';
import { optionsObject } from '../core/options.js';
import { ShapeError } from '../core/errors.js';
import { assertOutput } from '../core/output.js';
import { computeWithoutOverflow } from '../core/overflow.js';
import { maxAbs } from '../core/strided.js';
import { gemmDirect } from './gemm-direct.js';
import { gemmPacked } from './gemm-packed.js';
import { gemmWasm } from './gemm-wasm.js';
import { activeEngine, activeThreads } from '../compute/config.js';
import type { WasmEngine } from '../wasm/engine.js';
import { gemvStridedUnchecked } from './gemv.js';
import { scaleInPlaceUnchecked } from './scale.js';

/**
 * Options of {@link gemm}.
 * @category Dense kernels (BLAS)
 */
export interface GemmOptions {
  /** Use `Aᵀ` instead of `A` (default `false`). */
  transA?: boolean;
  /** Use `Bᵀ` instead of `B` (default `false`). */
  transB?: boolean;
  /** Scale of the product (default `1`). */
  alpha?: number;
  /** Scale of the existing `out` (default `0`; ignored without `out`). */
  beta?: number;
  /**
   * Output `m x n` matrix (any strides), accumulated into and returned (default: a fresh
   * row-major matrix). It must not share any element with `a` or `b` (checked).
   */
  out?: Matrix;
}

/**
 * General matrix product `C = alpha·op(A)·op(B) + beta·C`, with `C` the
 * `options.out` matrix (or a fresh one, then `beta` is ignored).
 *
 * @param a - `m x k` matrix (`k x m` if `transA`)
 * @param b - `k x n` matrix (`n x k` if `transB`)
 * @param options - transposition flags, scalars and an optional output
 * @returns `options.out` (or a fresh row-major `m x n` matrix)
 * @throws {@link ShapeError} if the inner dimensions or `options.out` do not match
 * @throws {@link NonFiniteError} if an input (or, when `beta ≠ 0`, `options.out`) holds NaN or ±Infinity
 * @throws {@link InvalidArgumentError} if `options.out` shares elements with `a` or `b`
 * @throws {@link NonFiniteError} if the result would overflow float64 (then `out` is left as it was)
 * @throws {@link InvalidArgumentError} if `transA`/`transB` is given and is not a boolean
 * @example
 * ```ts
 * import { fromRows, gemm, toRows } from '@bkfac/linalg';
 * const c = gemm(fromRows([[1, 2]]), fromRows([[3], [4]]));
 * console.log(toRows(c)); // [[11]]
 * ```
 * @category Dense kernels (BLAS)
 */
export function gemm(a: Matrix, b: Matrix, options?: GemmOptions): Matrix {
  return gemmChecked('gemm', a, b, optionsObject('gemm', options));
}

/** {@link gemm} with its validation and errors under the name `fn`. */
function gemmChecked(fn: string, a: Matrix, b: Matrix, options: GemmOptions): Matrix {
  const { transA = false, transB = false, alpha = 1, beta = 0 } = options;
  const [ar, ac] = assertMatrix(fn, 'a', a);
  const [br, bc] = assertMatrix(fn, 'b', b);
  assertBoolean(fn, 'options.transA', transA);
  assertBoolean(fn, 'options.transB', transB);
  assertNumber(fn, 'alpha', alpha);
  assertNumber(fn, 'beta', beta);
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) {
    throw new ShapeError(fn, 'b', transB ? `[n, ${k}] (transB)` : `[${k}, n]`, `[${br}, ${bc}]`);
  }
  const given = options.out;
  if (given !== undefined) {
    assertOutput(
      fn,
      'options.out',
      given,
      [m, n],
      [
        ['a', a],
        ['b', b],
      ],
    );
  }
  const c = given ?? zeros(m, n);
  const effectiveBeta = given === undefined ? 0 : beta;
  if (checkedInEngine(fn, transA, transB, alpha, a, b, effectiveBeta, c)) return c;
  // The scalar path, or an input or result that is not finite: check and report exactly.
  assertFinite(fn, 'a', a);
  assertFinite(fn, 'b', b);
  if (given !== undefined && beta !== 0) assertFinite(fn, 'options.out', given);
  computeWithoutOverflow(
    fn,
    'a, b',
    c,
    given === undefined,
    () =>
      Math.abs(alpha) * k * maxAbs(a) * maxAbs(b) +
      (beta === 0 ? 0 : Math.abs(beta) * maxAbs(given!)),
    (target) => gemmUnchecked(transA, transB, alpha, a, b, effectiveBeta, target),
  );
  return c;
}

/**
 * The product on the Wasm path with the finiteness checks done on the staged
 * copies in the engine; `true` if it is done and finite. `false` leaves `c` as
 * it was: the scalar path is in use, the product is too small for the
 * engine, or something is not finite (the caller then checks and reports).
 */
function checkedInEngine(
  fn: string,
  transA: boolean,
  transB: boolean,
  alpha: number,
  a: Matrix,
  b: Matrix,
  beta: number,
  c: Matrix,
): boolean {
  const engine = activeEngine();
  const [m, n] = c.shape as [number, number];
  const k = a.shape[transA ? 0 : 1]!;
  if (engine === null || !usesEngine(m, n, k, alpha)) return false;
  const threads = productThreads(engine, m * n * k);
  return gemmWasm(fn, engine, threads, transA, transB, alpha, a, b, c, beta, true) === 'done';
}

/** Whether {@link gemmUnchecked} sends an `m x n x k` product to the engine (when it is active). */
function usesEngine(m: number, n: number, k: number, alpha: number): boolean {
  return m > 1 && n > 1 && k > 0 && alpha !== 0 && m * n * k > DIRECT_MAX_PRODUCT;
}

/**
 * Matrix product `A·B` into a fresh matrix.
 *
 * @param a - `m x k` matrix
 * @param b - `k x n` matrix
 * @returns the `m x n` product
 * @throws {@link ShapeError} if the inner dimensions differ
 * @throws {@link NonFiniteError} if an input holds NaN or ±Infinity
 * @example
 * ```ts
 * import { eye, fromRows, matmul, toRows } from '@bkfac/linalg';
 * console.log(toRows(matmul(eye(2), fromRows([[1, 2], [3, 4]])))); // [[1, 2], [3, 4]]
 * ```
 * @category Dense kernels (BLAS)
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  return gemmChecked('matmul', a, b, {});
}

/**
 * Up to this many multiply-adds the unpacked loop wins (measured: 4x4x4 0.4 µs
 * direct vs 0.5 µs packed; from 6x6x6 on, packing pays for itself).
 */
const DIRECT_MAX_PRODUCT = 256;

/**
 * Products with fewer multiply-adds than this stay on one thread: below it,
 * handing half to a polling worker saves too little (measured in `bench/`).
 */
const PARALLEL_MIN_PRODUCT = 128 * 128 * 128;

/**
 * A worker that has slept for a while takes up to ~8 ms to wake on a virtual
 * machine (measured in `bench/`); smaller products than this (80 ms on one
 * thread) run here while it wakes for the next one.
 */
const SLEEPING_WORKER_MIN_PRODUCT = 1024 * 1024 * 1024;

/** Threads for an `m·n·k` product on the Wasm path. */
export function productThreads(engine: WasmEngine, product: number): number {
  const threads = activeThreads();
  if (threads === 1 || product < PARALLEL_MIN_PRODUCT) return 1;
  return engine.workersAwake(threads) || product >= SLEEPING_WORKER_MIN_PRODUCT ? threads : 1;
}

/**
 * Unchecked kernel of {@link gemm}: `C = alpha·op(A)·op(B) + beta·C` with any
 * strides. Shapes must already agree; when `beta === 0`, `C` is overwritten
 * (NaN in `C` does not propagate). `C` must not overlap `A` or `B`.
 * @internal
 */
export function gemmUnchecked(
  transA: boolean,
  transB: boolean,
  alpha: number,
  a: Matrix,
  b: Matrix,
  beta: number,
  c: Matrix,
): void {
  const m = c.shape[0]!;
  const n = c.shape[1]!;
  const k = a.shape[transA ? 0 : 1]!;
  if (m === 0 || n === 0) return;
  const engine = activeEngine();
  if (engine !== null && usesEngine(m, n, k, alpha)) {
    const threads = productThreads(engine, m * n * k);
    if (gemmWasm('gemm', engine, threads, transA, transB, alpha, a, b, c, beta) === 'done') return;
  }
  if (k === 0 || alpha === 0) {
    scaleInPlaceUnchecked(beta, c);
  } else if (m * n * k <= DIRECT_MAX_PRODUCT) {
    gemmDirect(transA, transB, alpha, a, b, beta, c);
  } else if (m === 1) {
    // A single row or column would fill a third of each 3x3 register block: it is a gemv.
    // C row = op(B)ᵀ·(row of op(A)).
    const xs = a.stride[transA ? 0 : 1]!;
    gemvStridedUnchecked(
      !transB,
      alpha,
      b,
      a.data,
      a.offset,
      xs,
      beta,
      c.data,
      c.offset,
      c.stride[1]!,
    );
  } else if (n === 1) {
    // C column = op(A)·(column of op(B)).
    const xs = b.stride[transB ? 1 : 0]!;
    gemvStridedUnchecked(
      transA,
      alpha,
      a,
      b.data,
      b.offset,
      xs,
      beta,
      c.data,
      c.offset,
      c.stride[0]!,
    );
  } else {
    scaleInPlaceUnchecked(beta, c);
    gemmPacked(transA, transB, alpha, a, b, c);
  }
}
