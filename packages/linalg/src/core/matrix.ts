/**
 * Matrix type and constructors: float64 `ndarray` views.
 * @module
 */
import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { InvalidArgumentError, ShapeError } from './errors.js';
import { assertMatrix } from './validate.js';
import { reduceLinePairs, reduceLines } from './strided.js';

/**
 * A dense real matrix: a 2-D `ndarray` view over a `Float64Array`, with any
 * strides and offset (a transposed view `a.transpose(1, 0)` is a matrix too).
 * @category Matrices
 */
export type Matrix = NdArray<Float64Array>;

/**
 * Storage order of a freshly allocated matrix: row-major (`'row'`) or column-major (`'col'`).
 * @category Matrices
 */
export type StorageOrder = 'row' | 'col';

/**
 * Wraps a `Float64Array` as an `m x n` matrix without copying.
 *
 * @param data - backing storage, length at least `m * n`
 * @param shape - `[m, n]`
 * @param order - `'row'` (default): entry `(i, j)` at `i * n + j`; `'col'`: at `i + j * m`
 * @returns a view sharing `data`
 * @throws {@link InvalidArgumentError} if `shape` is not `[m, n]`, `m` or `n` is not a non-negative
 *   integer, or `order` is neither `'row'` nor `'col'`
 * @throws {@link ShapeError} if `data` is shorter than `m * n`
 * @example
 * ```ts
 * import { fromArray } from '@bkfac/linalg';
 * const a = fromArray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * console.log(a.get(1, 0)); // 4
 * ```
 * @category Matrices
 */
export function fromArray(
  data: Float64Array,
  shape: readonly [number, number],
  order: StorageOrder = 'row',
): Matrix {
  if (!Array.isArray(shape) || shape.length !== 2) {
    throw new InvalidArgumentError('fromArray', 'shape', '[rows, cols]', typeName(shape));
  }
  const [m, n] = shape;
  checkDimension('fromArray', 'shape[0]', m);
  checkDimension('fromArray', 'shape[1]', n);
  if (!(data instanceof Float64Array)) {
    throw new InvalidArgumentError('fromArray', 'data', 'a Float64Array', typeName(data));
  }
  if (data.length < m * n) {
    throw new ShapeError('fromArray', 'data', `length >= ${m * n}`, `length ${data.length}`);
  }
  checkOrder('fromArray', order);
  const stride = order === 'row' ? [n, 1] : [1, m];
  return ndarray(data, [m, n], stride, 0);
}

/**
 * Builds a matrix by copying an array of equal-length rows.
 *
 * @param rows - `m` arrays of `n` numbers each
 * @returns a fresh row-major `m x n` matrix
 * @throws {@link ShapeError} if the rows have different lengths
 * @throws {@link InvalidArgumentError} if `rows` or a row is not an array, or an entry is not a number
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * const a = fromRows([[1, 2], [3, 4]]);
 * console.log(a.shape); // [2, 2]
 * ```
 * @category Matrices
 */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  if (!Array.isArray(rows)) {
    throw new InvalidArgumentError('fromRows', 'rows', 'an array of rows', typeName(rows));
  }
  const m = rows.length;
  const n = m === 0 ? 0 : arrayLength(rows[0], 0);
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = rows[i]!;
    const length = arrayLength(row, i);
    if (length !== n) {
      throw new ShapeError('fromRows', `rows[${i}]`, `length ${n}`, `length ${length}`);
    }
    for (let j = 0; j < n; j++) {
      const x = row[j];
      if (typeof x !== 'number') {
        throw new InvalidArgumentError('fromRows', `rows[${i}][${j}]`, 'a number', x);
      }
      data[i * n + j] = x;
    }
  }
  return ndarray(data, [m, n], [n, 1], 0);
}

/** The length of row `i` of {@link fromRows}, which must be an array. */
function arrayLength(row: unknown, i: number): number {
  if (!Array.isArray(row)) {
    throw new InvalidArgumentError('fromRows', `rows[${i}]`, 'an array of numbers', typeName(row));
  }
  return row.length;
}

/**
 * The `m x n` zero matrix.
 *
 * @param m - number of rows
 * @param n - number of columns
 * @param order - storage order of the new matrix (default `'row'`)
 * @returns a fresh zero matrix
 * @throws {@link InvalidArgumentError} if `m` or `n` is not an integer in [0, 2^32 − 1], `order` is
 *   neither `'row'` nor `'col'`, or the matrix cannot be allocated
 * @example
 * ```ts
 * import { zeros } from '@bkfac/linalg';
 * console.log(zeros(2, 3).shape); // [2, 3]
 * ```
 * @category Matrices
 */
export function zeros(m: number, n: number, order: StorageOrder = 'row'): Matrix {
  checkDimension('zeros', 'm', m);
  checkDimension('zeros', 'n', n);
  checkOrder('zeros', order);
  return allocate('zeros', m, n, order);
}

/**
 * A fresh zero matrix of valid sizes for the public function `fn`.
 * @throws {@link InvalidArgumentError} naming `fn` if it cannot be allocated
 * @internal
 */
export function allocate(fn: string, m: number, n: number, order: StorageOrder): Matrix {
  let data: Float64Array;
  try {
    data = new Float64Array(m * n);
  } catch (e) {
    // Too large for a typed array, or for memory: say so instead of a bare RangeError.
    if (!(e instanceof RangeError)) throw e;
    throw new InvalidArgumentError(fn, 'm, n', 'a matrix that fits in memory', `${m} x ${n}`);
  }
  return ndarray(data, [m, n], order === 'row' ? [n, 1] : [1, m], 0);
}

/**
 * The `n x n` identity matrix `I`.
 *
 * @param n - order
 * @returns a fresh identity matrix
 * @throws {@link InvalidArgumentError} if `n` is not an integer in [0, 2^32 − 1]
 * @example
 * ```ts
 * import { eye } from '@bkfac/linalg';
 * console.log(eye(3).get(1, 1)); // 1
 * ```
 * @category Matrices
 */
export function eye(n: number): Matrix {
  checkDimension('eye', 'n', n);
  const a = allocate('eye', n, n, 'row');
  for (let i = 0; i < n; i++) a.data[i * n + i] = 1;
  return a;
}

/**
 * Copies a matrix into nested arrays of rows.
 *
 * @param a - `m x n` matrix (any strides)
 * @returns `m` arrays of `n` numbers
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix
 * @throws {@link ShapeError} if `a` is not 2-D
 * @example
 * ```ts
 * import { eye, toRows } from '@bkfac/linalg';
 * console.log(toRows(eye(2))); // [[1, 0], [0, 1]]
 * ```
 * @category Matrices
 */
export function toRows(a: Matrix): number[][] {
  assertMatrix('toRows', 'a', a);
  return reduceLines(a, 'rows', pushRow, []);
}

function pushRow(
  rows: number[][],
  d: Float64Array,
  start: number,
  step: number,
  length: number,
): number[][] {
  const row = new Array<number>(length);
  for (let j = 0, p = start; j < length; j++, p += step) row[j] = d[p]!;
  rows.push(row);
  return rows;
}

/**
 * A contiguous copy `B = A` in the requested storage order.
 *
 * @param a - `m x n` matrix (any strides)
 * @param order - storage order of the copy (default `'row'`)
 * @returns a fresh `m x n` matrix
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix or `order` is neither `'row'` nor `'col'`
 * @throws {@link ShapeError} if `a` is not 2-D
 * @example
 * ```ts
 * import { copy, fromRows } from '@bkfac/linalg';
 * const t = copy(fromRows([[1, 2], [3, 4]]).transpose(1, 0));
 * console.log(t.get(0, 1)); // 3
 * ```
 * @category Matrices
 */
export function copy(a: Matrix, order: StorageOrder = 'row'): Matrix {
  const [m, n] = assertMatrix('copy', 'a', a);
  checkOrder('copy', order);
  const out = zeros(m, n, order);
  copyInto(out, a);
  return out;
}

/**
 * Copies `src` into `dst` entry by entry (`dst = src`); shapes must match.
 * Unchecked kernel shared by the public helpers.
 * @internal
 */
export function copyInto(dst: Matrix, src: Matrix): void {
  reduceLinePairs(dst, src, copyLine, 0);
}

function copyLine(
  state: number,
  dd: Float64Array,
  p: number,
  dStep: number,
  sd: Float64Array,
  q: number,
  sStep: number,
  length: number,
): number {
  for (let t = 0; t < length; t++, p += dStep, q += sStep) dd[p] = sd[q]!;
  return state;
}

/** @internal */
export function checkDimension(fn: string, arg: string, value: number): void {
  // The longest typed array bounds every dimension, even of an empty matrix (a 1e308 x 0
  // shape would make any loop over its rows run forever).
  if (!Number.isInteger(value) || value < 0 || value > MAX_DIMENSION) {
    throw new InvalidArgumentError(fn, arg, `an integer in [0, ${MAX_DIMENSION}]`, value);
  }
}

/** Largest number of rows or columns of a matrix, `2^32 − 1` (the longest typed array). */
const MAX_DIMENSION = 2 ** 32 - 1;

/** @internal */
export function checkOrder(fn: string, order: unknown): void {
  if (order !== 'row' && order !== 'col') {
    throw new InvalidArgumentError(fn, 'order', "'row' or 'col'", order);
  }
}

/** @internal */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return (value as object).constructor?.name ?? 'object';
}
