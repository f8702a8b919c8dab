/**
 * The one traversal of a strided 2-D view: its lines (rows or columns), each
 * handed to a visitor as `data`, `start`, `step` and `length`, so that the
 * visitor's loop is one-dimensional and the offset and stride arithmetic of
 * the view lives here only. Copies, reductions, checks and fills outside the
 * hot kernels use it; the kernels (GEMM packing and micro-kernels, GEMV,
 * triangular solves, reflector updates, Wasm staging) keep their own loops,
 * which are tuned to their access patterns and read `.data`/`.stride`
 * directly by design.
 *
 * Visitors are plain functions that receive a state and return it (the
 * accumulator of a reduction, or the parameter of a fill), so a module-level
 * visitor allocates no closure per call.
 * @module
 */
import type { Matrix } from './matrix.js';

/**
 * Which lines a traversal visits: `'rows'`, `'columns'`, or `'storage'`, the
 * lines along the smaller stride (the fastest order, for work whose result
 * does not depend on the order).
 * @internal
 */
export type LineOrder = 'rows' | 'columns' | 'storage';

/**
 * A visitor of one line: entries `data[start + t·step]` for `t < length`,
 * `line` the index of the row or column. Returns the state for the next line.
 * @internal
 */
export type LineVisitor<T> = (
  state: T,
  data: Float64Array,
  start: number,
  step: number,
  length: number,
  line: number,
) => T;

/**
 * A visitor of one pair of lines of two views of equal shape.
 * @internal
 */
export type LinePairVisitor<T> = (
  state: T,
  dst: Float64Array,
  dstStart: number,
  dstStep: number,
  src: Float64Array,
  srcStart: number,
  srcStep: number,
  length: number,
) => T;

/** Whether `order` walks the rows of a view with strides `[s0, s1]`. */
function byRows(order: LineOrder, s0: number, s1: number): boolean {
  return order === 'rows' || (order === 'columns' ? false : Math.abs(s1) <= Math.abs(s0));
}

/**
 * Calls `visit` on every line of `a` in `order`, threading `state` through.
 * @returns the state returned for the last line (`initial` for no lines)
 * @internal
 */
export function reduceLines<T>(a: Matrix, order: LineOrder, visit: LineVisitor<T>, initial: T): T {
  const [m, n] = a.shape as [number, number];
  const [s0, s1] = a.stride as [number, number];
  const rows = byRows(order, s0, s1);
  const lines = rows ? m : n;
  const length = rows ? n : m;
  const across = rows ? s0 : s1;
  const step = rows ? s1 : s0;
  const d = a.data;
  let state = initial;
  for (let l = 0, start = a.offset; l < lines; l++, start += across) {
    state = visit(state, d, start, step, length, l);
  }
  return state;
}

/**
 * Calls `visit` on every pair of corresponding lines of `dst` and `src`
 * (equal shapes), along `dst`'s smaller stride so the writes are local.
 * @returns the state returned for the last pair (`initial` for no lines)
 * @internal
 */
export function reduceLinePairs<T>(
  dst: Matrix,
  src: Matrix,
  visit: LinePairVisitor<T>,
  initial: T,
): T {
  const [m, n] = dst.shape as [number, number];
  const [t0, t1] = dst.stride as [number, number];
  const [s0, s1] = src.stride as [number, number];
  const rows = byRows('storage', t0, t1);
  const lines = rows ? m : n;
  const length = rows ? n : m;
  const dd = dst.data;
  const sd = src.data;
  const dAcross = rows ? t0 : t1;
  const dStep = rows ? t1 : t0;
  const sAcross = rows ? s0 : s1;
  const sStep = rows ? s1 : s0;
  let state = initial;
  for (let l = 0, p = dst.offset, q = src.offset; l < lines; l++, p += dAcross, q += sAcross) {
    state = visit(state, dd, p, dStep, sd, q, sStep, length);
  }
  return state;
}

/**
 * Largest absolute entry of a matrix with any strides (`0` when empty, NaN
 * when an entry is NaN).
 * @internal
 */
export function maxAbs(a: Matrix): number {
  return reduceLines(a, 'storage', maxAbsOfLine, 0);
}

function maxAbsOfLine(
  largest: number,
  d: Float64Array,
  start: number,
  step: number,
  length: number,
): number {
  // Math.max, not a comparison: a NaN entry makes the result NaN instead of being skipped.
  for (let t = 0, p = start; t < length; t++, p += step)
    largest = Math.max(largest, Math.abs(d[p]!));
  return largest;
}
