/**
 * GEMM on the WebAssembly SIMD kernels: the operands are staged into the
 * engine's memory (one straight copy each; the kernel packs from there), the
 * product is split over the threads by output columns or rows, and C is
 * copied back. Every entry of C is computed by one thread in a fixed order,
 * so the result does not depend on the thread count.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import type { GemmTask, WasmEngine } from '../wasm/engine.js';
import { MAX_THREADS } from '../wasm/engine.js';
import { NR } from '../wasm/gemm-kernel.js';

const tasks: GemmTask[] = Array.from({ length: MAX_THREADS }, () => ({
  m: 0,
  k: 0,
  alpha: 0,
  a: 0,
  ai: 0,
  ap: 0,
  b: 0,
  bp: 0,
  bj: 0,
  c: 0,
  ldc: 0,
  j0: 0,
  j1: 0,
}));

/**
 * `C = alpha·op(A)·op(B) + beta·C` (with `beta = 0`, C is not read). Any
 * strides; `m, n, k > 0`; no overlap; split over `threads` threads. C is written only once the product has
 * succeeded, so a worker failure leaves it unchanged.
 * @returns `false`, with nothing done, if the operands do not fit in the
 *   engine's memory (the caller then uses the scalar path)
 * @throws {@link ComputeEngineError} if a worker thread fails
 * @internal
 */
export function gemmWasm(
  fn: string,
  engine: WasmEngine,
  threads: number,
  transA: boolean,
  transB: boolean,
  alpha: number,
  a: Matrix,
  b: Matrix,
  c: Matrix,
  beta: number,
): boolean {
  // The kernel writes C by rows; a column-major C is the row-major Cᵀ = op(B)ᵀ·op(A)ᵀ.
  if (c.stride[1] !== 1 && c.stride[0] === 1) {
    return gemmWasm(fn, engine, threads, !transB, !transA, alpha, b, a, c.transpose(1, 0), beta);
  }
  const m = c.shape[0]!;
  const n = c.shape[1]!;
  const k = a.shape[transA ? 0 : 1]!;
  const aSize = a.shape[0]! * a.shape[1]!;
  const bSize = b.shape[0]! * b.shape[1]!;
  const base = engine.reserve(threads, 8 * (aSize + bSize + m * n));
  if (base === null) return false;
  const mem = engine.doubles();
  const aAt = base / 8;
  const bAt = aAt + aSize;
  const cAt = bAt + bSize;
  const aStride = stage(a, mem, aAt);
  const bStride = stage(b, mem, bAt);
  if (beta === 0) mem.fill(0, cAt, cAt + m * n);
  else stageRowMajor(c, mem, cAt, beta);
  // Element strides of op(A) (row i, depth p) and op(B) (depth p, column j) as staged.
  const ai = transA ? aStride[1] : aStride[0];
  const ap = transA ? aStride[0] : aStride[1];
  const bp = transB ? bStride[1] : bStride[0];
  const bj = transB ? bStride[0] : bStride[1];
  const byColumns = n >= m;
  const extent = byColumns ? n : m;
  // Shares rounded to whole register blocks, so no thread gets a ragged edge it need not.
  const share = Math.ceil(extent / threads / NR) * NR;
  let count = 0;
  for (let start = 0; start < extent; start += share) {
    const end = Math.min(extent, start + share);
    const task = tasks[count++]!;
    task.k = k;
    task.alpha = alpha;
    task.ai = ai;
    task.ap = ap;
    task.b = bAt * 8;
    task.bp = bp;
    task.bj = bj;
    task.ldc = n;
    if (byColumns) {
      task.m = m;
      task.a = aAt * 8;
      task.c = cAt * 8;
      task.j0 = start;
      task.j1 = end;
    } else {
      task.m = end - start;
      task.a = (aAt + start * ai) * 8;
      task.c = (cAt + start * n) * 8;
      task.j0 = 0;
      task.j1 = n;
    }
  }
  engine.run(fn, tasks, count);
  unstageRowMajor(mem, cAt, c);
  return true;
}

/**
 * Copies `x` into `mem` from `at` in the order its unit stride suggests (rows
 * if its columns are adjacent, else columns), and returns the staged strides.
 */
function stage(x: Matrix, mem: Float64Array, at: number): [number, number] {
  const rows = x.shape[0]!;
  const cols = x.shape[1]!;
  if (x.stride[0] === 1 && x.stride[1] !== 1) {
    copyLines(x.data, x.offset, x.stride[1]!, 1, cols, rows, mem, at);
    return [1, rows];
  }
  stageRowMajor(x, mem, at);
  return [cols, 1];
}

/** Copies `scale·x` into `mem` from `at` by rows. */
function stageRowMajor(x: Matrix, mem: Float64Array, at: number, scale = 1): void {
  const rows = x.shape[0]!;
  const cols = x.shape[1]!;
  if (scale === 1) {
    copyLines(x.data, x.offset, x.stride[0]!, x.stride[1]!, rows, cols, mem, at);
    return;
  }
  const s0 = x.stride[0]!;
  const s1 = x.stride[1]!;
  const d = x.data;
  let q = at;
  for (let i = 0; i < rows; i++) {
    let s = x.offset + i * s0;
    for (let j = 0; j < cols; j++, s += s1) mem[q++] = scale * d[s]!;
  }
}

/**
 * Copies `lines` lines of `length` elements (`lineStride` apart, elements
 * `step` apart) from `src` into consecutive places of `dst` from `at`; unit
 * steps are block copies.
 */
function copyLines(
  src: Float64Array,
  offset: number,
  lineStride: number,
  step: number,
  lines: number,
  length: number,
  dst: Float64Array,
  at: number,
): void {
  if (step === 1 && (lineStride === length || lines === 1)) {
    dst.set(src.subarray(offset, offset + lines * length), at);
  } else if (step === 1) {
    for (let i = 0; i < lines; i++) {
      const s = offset + i * lineStride;
      dst.set(src.subarray(s, s + length), at + i * length);
    }
  } else {
    let q = at;
    for (let i = 0; i < lines; i++) {
      let s = offset + i * lineStride;
      for (let j = 0; j < length; j++, s += step) dst[q++] = src[s]!;
    }
  }
}

/** Copies the row-major staged `x` back from `mem` at `at`. */
function unstageRowMajor(mem: Float64Array, at: number, x: Matrix): void {
  const rows = x.shape[0]!;
  const cols = x.shape[1]!;
  const s0 = x.stride[0]!;
  const s1 = x.stride[1]!;
  const d = x.data;
  if (s1 === 1) {
    for (let i = 0; i < rows; i++)
      d.set(mem.subarray(at + i * cols, at + (i + 1) * cols), x.offset + i * s0);
    return;
  }
  let q = at;
  for (let i = 0; i < rows; i++) {
    let s = x.offset + i * s0;
    for (let j = 0; j < cols; j++, s += s1) d[s] = mem[q++]!;
  }
}
