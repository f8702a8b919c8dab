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
 * What {@link gemmWasm} did: the product is in C; nothing was done because the
 * operands do not fit in the engine's memory; or (when asked to check) nothing
 * reached C because an operand or the result is not finite.
 * @internal
 */
export type WasmProductStatus = 'done' | 'no-room' | 'non-finite';

/**
 * `C = alpha·op(A)·op(B) + beta·C` (with `beta = 0`, C is not read). Any
 * strides; `m, n, k > 0`; no overlap; split over `threads` threads. Operands
 * that already live in the engine's memory (see {@link WasmEngine.withClaim}) are
 * used in place; the others are staged. A staged C is written only once the
 * product has succeeded, so a worker failure leaves it unchanged.
 *
 * With `check`, the staged copies of A, B, `beta·C` and the product are
 * probed for NaN/±Infinity in the engine (one SIMD pass each, instead of
 * scans of the caller's arrays), and C is written only if all are finite.
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
  check = false,
): WasmProductStatus {
  // The kernel writes C by rows; a column-major C is the row-major Cᵀ = op(B)ᵀ·op(A)ᵀ.
  if (c.stride[1] !== 1 && c.stride[0] === 1) {
    const ct = c.transpose(1, 0);
    return gemmWasm(fn, engine, threads, !transB, !transA, alpha, b, a, ct, beta, check);
  }
  const m = c.shape[0]!;
  const n = c.shape[1]!;
  const k = a.shape[transA ? 0 : 1]!;
  const aSize = engine.holds(a.data) ? 0 : a.shape[0]! * a.shape[1]!;
  const bSize = engine.holds(b.data) ? 0 : b.shape[0]! * b.shape[1]!;
  const cInPlace = !check && engine.holds(c.data) && c.stride[1] === 1;
  const base = engine.reserve(8 * (aSize + bSize + (cInPlace ? 0 : m * n)));
  if (base === null) return 'no-room';
  const mem = engine.doubles();
  const aPlaced = place(a, mem, base / 8, engine, placedA);
  const bPlaced = place(b, mem, base / 8 + aSize, engine, placedB);
  const cAt = base / 8 + aSize + bSize;
  let cAddress = 8 * cAt;
  let ldc = n;
  if (cInPlace) {
    cAddress = c.data.byteOffset + 8 * c.offset;
    ldc = c.stride[0]!;
    scaleRows(c, beta);
  } else if (beta === 0) mem.fill(0, cAt, cAt + m * n);
  else stageRowMajor(c, mem, cAt, beta);
  // Staged operands are contiguous from `base`, then C: one probe covers them all.
  if (check && engine.finiteProbe(base, aSize + bSize + m * n) !== 0) return 'non-finite';
  // Element strides of op(A) (row i, depth p) and op(B) (depth p, column j) as placed.
  const [a0, a1] = aPlaced.stride;
  const [b0, b1] = bPlaced.stride;
  shape.m = m;
  shape.n = n;
  shape.k = k;
  shape.alpha = alpha;
  operands.a = aPlaced.address;
  operands.ai = transA ? a1 : a0;
  operands.ap = transA ? a0 : a1;
  operands.b = bPlaced.address;
  operands.bp = transB ? b1 : b0;
  operands.bj = transB ? b0 : b1;
  operands.c = cAddress;
  operands.ldc = ldc;
  multiplyInMemory(fn, engine, threads, shape, operands);
  if (check && engine.finiteProbe(cAddress, m * n) !== 0) return 'non-finite';
  if (!cInPlace) unstageRowMajor(mem, cAt, c);
  return 'done';
}

/** An operand as the kernel sees it: byte address and element strides. */
interface Placed {
  address: number;
  stride: [number, number];
}

// Reused per call, so a product allocates nothing.
const placedA: Placed = { address: 0, stride: [0, 0] };
const placedB: Placed = { address: 0, stride: [0, 0] };
const shape: ProductShape = { m: 0, n: 0, k: 0, alpha: 0 };
const operands: ProductOperands = { a: 0, ai: 0, ap: 0, b: 0, bp: 0, bj: 0, c: 0, ldc: 0 };

/** `x` in place if it lives in the engine's memory, else staged at element `at`; written into `out`. */
function place(x: Matrix, mem: Float64Array, at: number, engine: WasmEngine, out: Placed): Placed {
  if (engine.holds(x.data)) {
    out.address = x.data.byteOffset + 8 * x.offset;
    out.stride[0] = x.stride[0]!;
    out.stride[1] = x.stride[1]!;
  } else {
    out.address = 8 * at;
    stage(x, mem, at, out.stride);
  }
  return out;
}

/** `C ← beta·C` by rows (unit column stride); `beta = 0` overwrites NaN too. */
function scaleRows(c: Matrix, beta: number): void {
  if (beta === 1) return;
  const [rows, cols] = c.shape as [number, number];
  const d = c.data;
  for (let i = 0; i < rows; i++) {
    const start = c.offset + i * c.stride[0]!;
    if (beta === 0) d.fill(0, start, start + cols);
    else for (let j = start; j < start + cols; j++) d[j]! *= beta;
  }
}

/** Sizes of a product `C += alpha·op(A)·op(B)`, `C` being `m x n` and the depth `k`. */
interface ProductShape {
  m: number;
  n: number;
  k: number;
  alpha: number;
}

/**
 * Where a product's operands lie in the engine's memory: byte addresses, and
 * element strides of op(A) by row `ai` and depth `ap`, of op(B) by depth `bp`
 * and column `bj`; C is row-major with leading dimension `ldc`.
 */
interface ProductOperands {
  a: number;
  ai: number;
  ap: number;
  b: number;
  bp: number;
  bj: number;
  c: number;
  ldc: number;
}

/**
 * `C += alpha·op(A)·op(B)` on operands already in the engine's memory, split
 * over `threads` threads by whole register blocks of C's columns (or rows,
 * when C is taller than wide), so each entry is computed by one thread in the
 * same order whatever the thread count.
 * @throws {@link ComputeEngineError} if a worker thread fails
 */
function multiplyInMemory(
  fn: string,
  engine: WasmEngine,
  threads: number,
  shape: ProductShape,
  operands: ProductOperands,
): void {
  const { m, n, k, alpha } = shape;
  const { ai, ldc } = operands;
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
    task.ap = operands.ap;
    task.b = operands.b;
    task.bp = operands.bp;
    task.bj = operands.bj;
    task.ldc = ldc;
    if (byColumns) {
      task.m = m;
      task.a = operands.a;
      task.c = operands.c;
      task.j0 = start;
      task.j1 = end;
    } else {
      task.m = end - start;
      task.a = operands.a + start * ai * 8;
      task.c = operands.c + start * ldc * 8;
      task.j0 = 0;
      task.j1 = n;
    }
  }
  engine.run(fn, tasks, count);
}

/**
 * Copies `x` into `mem` from `at` in the order its unit stride suggests (rows
 * if its columns are adjacent, else columns), and returns the staged strides.
 */
function stage(x: Matrix, mem: Float64Array, at: number, stride: [number, number]): void {
  const rows = x.shape[0]!;
  const cols = x.shape[1]!;
  if (x.stride[0] === 1 && x.stride[1] !== 1) {
    copyLines(x.data, x.offset, x.stride[1]!, 1, cols, rows, mem, at);
    stride[0] = 1;
    stride[1] = rows;
    return;
  }
  stageRowMajor(x, mem, at);
  stride[0] = cols;
  stride[1] = 1;
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
