/**
 * Small whole-matrix helpers: norms, transpose copy, symmetrisation, scaling
 * and element-wise sums. Validated, not performance-critical (they run once
 * per decomposition, not inside kernels).
 * @module
 */
import ops from 'ndarray-ops';
import type { Matrix } from './matrix.js';
import { copyInto, zeros } from './matrix.js';
import { NonFiniteError, ShapeError } from './errors.js';
import {
  assertFinite,
  assertInteger,
  assertMatrix,
  assertNumber,
  assertSquare,
} from './validate.js';
import { optionsObject } from './options.js';
import { gemvUnchecked } from '../blas/gemv.js';
import { assertRepresentable } from './overflow.js';
import { createRng } from '../random/rng.js';
import { maxAbs, reduceLines } from './strided.js';

/**
 * Frobenius norm `‖A‖_F = sqrt(Σ_ij a_ij²)`, computed with scaling so that it
 * neither overflows nor underflows for entries near the float64 range limits.
 *
 * @param a - `m x n` matrix (any strides)
 * @returns `‖A‖_F` (`0` for an empty matrix)
 * @throws {@link InvalidArgumentError} if `a` is not a float64 ndarray
 * @throws {@link ShapeError} if `a` is not 2-D
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity, or the norm lies beyond float64
 * @example
 * ```ts
 * import { fromRows, normFro } from '@bkfac/linalg';
 * console.log(normFro(fromRows([[3, 0], [0, 4]]))); // 5
 * ```
 * @category Matrices
 */
export function normFro(a: Matrix): number {
  assertMatrix('normFro', 'a', a);
  assertFinite('normFro', 'a', a);
  return representableNorm('normFro', 'the norm', frobeniusNorm(a));
}

/**
 * `‖A‖_F`, rescaled when the plain sum of squares overflows or underflows
 * (graded batches near the floating-point limits).
 * Infinity only when the norm itself lies beyond float64.
 * @internal
 */
export function frobeniusNorm(a: Matrix): number {
  // Column by column: the summation order, and so the rounding, is that of any other order of a's storage.
  const sum = reduceLines(a, 'columns', addSquares, 0);
  if (sum < Infinity && sum > 1e-280) return Math.sqrt(sum);
  const largest = maxAbs(a);
  if (largest === 0) return 0;
  const scaled = reduceLines(
    a,
    'columns',
    (s, d, start, step, length) => {
      for (let t = 0, p = start; t < length; t++, p += step) s += (d[p]! / largest) ** 2;
      return s;
    },
    0,
  );
  return largest * Math.sqrt(scaled);
}

function addSquares(
  sum: number,
  d: Float64Array,
  start: number,
  step: number,
  length: number,
): number {
  for (let t = 0, p = start; t < length; t++, p += step) sum += d[p]! * d[p]!;
  return sum;
}

/**
 * A public result `scale·x` (a norm, `scale` an exact power of two) that
 * must be representable: beyond float64 it is an error, not Infinity.
 * @throws {@link NonFiniteError} naming `fn` (and `what`, the quantity) if it overflows
 * @internal
 */
export function representableNorm(fn: string, what: string, x: number, scale = 1): number {
  const norm = scale * x;
  if (norm === Infinity)
    throw new NonFiniteError(fn, 'result', `${what}: it overflows float64`, norm);
  return norm;
}

/**
 * Max norm `‖A‖_max = max_ij |a_ij|` (not sub-multiplicative; a cheap scale).
 *
 * @param a - `m x n` matrix (any strides)
 * @returns the largest absolute entry (`0` for an empty matrix)
 * @throws {@link InvalidArgumentError} if `a` is not a float64 ndarray
 * @throws {@link ShapeError} if `a` is not 2-D
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity
 * @example
 * ```ts
 * import { fromRows, normMax } from '@bkfac/linalg';
 * console.log(normMax(fromRows([[1, -7], [2, 3]]))); // 7
 * ```
 * @category Matrices
 */
export function normMax(a: Matrix): number {
  assertMatrix('normMax', 'a', a);
  assertFinite('normMax', 'a', a);
  return maxAbs(a);
}

/**
 * Options of {@link norm2}.
 * @category Matrices
 */
export interface Norm2Options {
  /** Stop once two successive estimates agree to this relative tolerance (default `1e-10`). */
  tolerance?: number;
  /** Iteration budget: at most this many products with `A` and with `Aᵀ` (default `300`, at most `100000`). */
  maxIterations?: number;
  /** Seed of the random start vector (default `0`), so the result is deterministic. */
  seed?: number;
}

/**
 * Spectral norm estimate `‖A‖₂ = σ_max(A)` by power iteration on `AᵀA` from a
 * seeded random start vector.
 *
 * Accuracy: every estimate `‖A x‖` with `‖x‖ = 1` is a lower bound of
 * `σ_max`. Iteration stops when two successive estimates agree to the
 * relative tolerance `tolerance`, or after `maxIterations` iterations (each costs
 * `4mn` flops). With a gap between the top two singular values the error
 * falls like `(σ₂/σ₁)^(2t)` after `t` iterations, so the result is then
 * accurate to about `tolerance`; without a gap the expected relative error of
 * `σ_max²` is still at most `0.871·ln(n)/(t − 1)` (Kuczyński–Woźniakowski
 * 1992). The same `seed` gives the same result. Use an SVD when the exact
 * value is needed.
 *
 * @param a - `m x n` matrix (any strides)
 * @param options - tolerance, iteration budget and seed
 * @returns the estimate of `‖A‖₂` (`0` for a zero or empty matrix)
 * @throws {@link InvalidArgumentError} if `a` is not a float64 ndarray or an option is invalid
 * @throws {@link ShapeError} if `a` is not 2-D
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity, or `‖A‖₂` lies beyond float64
 * @example
 * ```ts
 * import { fromRows, norm2 } from '@bkfac/linalg';
 * console.log(norm2(fromRows([[3, 0], [0, -5]])).toFixed(6)); // 5.000000
 * ```
 * @category Matrices
 */
export function norm2(a: Matrix, options?: Norm2Options): number {
  options = optionsObject('norm2', options);
  const { tolerance = 1e-10, maxIterations = 300, seed = 0 } = options;
  const [m, n] = assertMatrix('norm2', 'a', a);
  assertNumber('norm2', 'options.tolerance', tolerance, 0, 1);
  assertInteger('norm2', 'options.maxIterations', maxIterations, 1, MAX_NORM2_ITERATIONS);
  assertInteger('norm2', 'options.seed', seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  assertFinite('norm2', 'a', a);
  if (m === 0 || n === 0) return 0;
  const rng = createRng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(m);
  for (let j = 0; j < n; j++) x[j] = rng.normal();
  normalize(x);
  let estimate = 0;
  for (let it = 0; it < maxIterations; it++) {
    gemvUnchecked(false, 1, a, x, 0, y);
    const next = normalize(y);
    const converged = Math.abs(next - estimate) <= tolerance * next;
    estimate = Math.max(estimate, next);
    if (converged || next === 0) break;
    // y is unit before Aᵀ is applied, so no intermediate exceeds ‖A‖₂ (no overflow).
    gemvUnchecked(true, 1, a, y, 0, x);
    normalize(x);
  }
  if (estimate - estimate !== 0) {
    throw new NonFiniteError('norm2', 'result', 'the norm: it overflows float64', estimate);
  }
  return estimate;
}

/**
 * Transpose copy `B = Aᵀ` into a fresh contiguous matrix.
 *
 * @param a - `m x n` matrix (any strides)
 * @returns a fresh row-major `n x m` matrix
 * @throws {@link InvalidArgumentError} if `a` is not a float64 ndarray
 * @throws {@link ShapeError} if `a` is not 2-D
 * @example
 * ```ts
 * import { fromRows, toRows, transposeCopy } from '@bkfac/linalg';
 * console.log(toRows(transposeCopy(fromRows([[1, 2, 3]])))); // [[1], [2], [3]]
 * ```
 * @category Matrices
 */
export function transposeCopy(a: Matrix): Matrix {
  const [m, n] = assertMatrix('transposeCopy', 'a', a);
  const out = zeros(n, m);
  copyInto(out, a.transpose(1, 0));
  return out;
}

/**
 * Symmetric part `S = (A + Aᵀ)/2` into a fresh, exactly symmetric matrix.
 *
 * @param a - `n x n` matrix (any strides)
 * @returns a fresh row-major `n x n` symmetric matrix
 * @throws {@link InvalidArgumentError} if `a` is not a float64 ndarray
 * @throws {@link ShapeError} if `a` is not square
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity
 * @example
 * ```ts
 * import { fromRows, symmetrize, toRows } from '@bkfac/linalg';
 * console.log(toRows(symmetrize(fromRows([[1, 2], [4, 3]])))); // [[1, 3], [3, 3]]
 * ```
 * @category Matrices
 */
export function symmetrize(a: Matrix): Matrix {
  const n = assertSquare('symmetrize', 'a', a);
  assertFinite('symmetrize', 'a', a);
  const out = zeros(n, n);
  copyInto(out, a);
  symmetrizeUnchecked(out);
  return out;
}

/**
 * In-place symmetrisation `A ← (A + Aᵀ)/2`; afterwards `A` is exactly symmetric.
 *
 * @param a - `n x n` matrix (any strides), overwritten
 * @returns `a`
 * @throws {@link InvalidArgumentError} if `a` is not a float64 ndarray
 * @throws {@link ShapeError} if `a` is not square
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity
 * @example
 * ```ts
 * import { fromRows, symmetrizeInPlace, toRows } from '@bkfac/linalg';
 * const a = fromRows([[1, 0], [2, 1]]);
 * symmetrizeInPlace(a);
 * console.log(toRows(a)); // [[1, 1], [1, 1]]
 * ```
 * @category Matrices
 */
export function symmetrizeInPlace(a: Matrix): Matrix {
  assertSquare('symmetrizeInPlace', 'a', a);
  assertFinite('symmetrizeInPlace', 'a', a);
  symmetrizeUnchecked(a);
  return a;
}

/**
 * Scaled copy `B = s·A`.
 *
 * @param a - `m x n` matrix (any strides)
 * @param s - finite scalar
 * @returns a fresh row-major `m x n` matrix
 * @throws {@link InvalidArgumentError} if `s` is not finite or `a` is not a float64 ndarray
 * @throws {@link ShapeError} if `a` is not 2-D
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity, or an entry of `s·A` lies beyond float64
 * @example
 * ```ts
 * import { fromRows, scale, toRows } from '@bkfac/linalg';
 * console.log(toRows(scale(fromRows([[1, -2]]), 3))); // [[3, -6]]
 * ```
 * @category Matrices
 */
export function scale(a: Matrix, s: number): Matrix {
  const [m, n] = assertMatrix('scale', 'a', a);
  assertNumber('scale', 's', s);
  assertFinite('scale', 'a', a);
  const out = zeros(m, n);
  ops.muls(out, a, s);
  assertRepresentable('scale', 's·a', out);
  return out;
}

/**
 * Element-wise sum `C = A + B`.
 *
 * @param a - `m x n` matrix (any strides)
 * @param b - `m x n` matrix (any strides)
 * @returns a fresh row-major `m x n` matrix
 * @throws {@link InvalidArgumentError} if an argument is not a float64 ndarray
 * @throws {@link ShapeError} if the shapes differ
 * @throws {@link NonFiniteError} if an input holds NaN or ±Infinity, or an entry of the sum lies beyond float64
 * @example
 * ```ts
 * import { add, fromRows, toRows } from '@bkfac/linalg';
 * console.log(toRows(add(fromRows([[1, 2]]), fromRows([[10, 20]])))); // [[11, 22]]
 * ```
 * @category Matrices
 */
export function add(a: Matrix, b: Matrix): Matrix {
  const out = elementwiseOutput('add', a, b);
  ops.add(out, a, b);
  assertRepresentable('add', 'a + b', out);
  return out;
}

/**
 * Element-wise difference `C = A − B`.
 *
 * @param a - `m x n` matrix (any strides)
 * @param b - `m x n` matrix (any strides)
 * @returns a fresh row-major `m x n` matrix
 * @throws {@link InvalidArgumentError} if an argument is not a float64 ndarray
 * @throws {@link ShapeError} if the shapes differ
 * @throws {@link NonFiniteError} if an input holds NaN or ±Infinity, or an entry of the difference lies beyond float64
 * @example
 * ```ts
 * import { fromRows, sub, toRows } from '@bkfac/linalg';
 * console.log(toRows(sub(fromRows([[1, 2]]), fromRows([[10, 20]])))); // [[-9, -18]]
 * ```
 * @category Matrices
 */
export function sub(a: Matrix, b: Matrix): Matrix {
  const out = elementwiseOutput('sub', a, b);
  ops.sub(out, a, b);
  assertRepresentable('sub', 'a − b', out);
  return out;
}

/**
 * Trace `tr(A) = Σ_i a_ii`.
 *
 * @param a - `n x n` matrix (any strides)
 * @returns the sum of the diagonal (`0` for `0 x 0`)
 * @throws {@link InvalidArgumentError} if `a` is not a float64 ndarray
 * @throws {@link ShapeError} if `a` is not square
 * @throws {@link NonFiniteError} if a diagonal entry is NaN or ±Infinity, or the trace lies beyond float64
 * @example
 * ```ts
 * import { fromRows, trace } from '@bkfac/linalg';
 * console.log(trace(fromRows([[1, 2], [3, 4]]))); // 5
 * ```
 * @category Matrices
 */
export function trace(a: Matrix): number {
  const n = assertSquare('trace', 'a', a);
  const step = a.stride[0]! + a.stride[1]!;
  let s = 0;
  for (let i = 0, p = a.offset; i < n; i++, p += step) s += a.data[p]!;
  if (s - s !== 0) {
    assertFinite('trace', 'a', a);
    throw new NonFiniteError('trace', 'result', 'the sum of the diagonal: it overflows float64', s);
  }
  return s;
}

/** Bound of norm2's iteration budget, so a mistyped count cannot run for ever. */
const MAX_NORM2_ITERATIONS = 100_000;

/** Validates two same-shape finite matrices and allocates their row-major result. */
function elementwiseOutput(fn: string, a: Matrix, b: Matrix): Matrix {
  const [m, n] = assertMatrix(fn, 'a', a);
  const [br, bc] = assertMatrix(fn, 'b', b);
  if (br !== m || bc !== n) throw new ShapeError(fn, 'b', `[${m}, ${n}]`, `[${br}, ${bc}]`);
  assertFinite(fn, 'a', a);
  assertFinite(fn, 'b', b);
  return zeros(m, n);
}

/** `A ← (A + Aᵀ)/2` for a square matrix with any strides. */
function symmetrizeUnchecked(a: Matrix): void {
  const n = a.shape[0]!;
  const d = a.data;
  const [s0, s1] = a.stride as [number, number];
  const o = a.offset;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const p = o + i * s0 + j * s1;
      const q = o + j * s0 + i * s1;
      // Halve before adding so that entries near the float64 maximum cannot overflow.
      const v = 0.5 * d[p]! + 0.5 * d[q]!;
      d[p] = v;
      d[q] = v;
    }
  }
}

/** Scales `v` to unit 2-norm (unless zero) and returns its former norm, overflow-safe. */
function normalize(v: Float64Array): number {
  let big = 0;
  for (let i = 0; i < v.length; i++) big = Math.max(big, Math.abs(v[i]!));
  if (big === 0) return 0;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const s = v[i]! / big;
    sum += s * s;
  }
  const root = Math.sqrt(sum);
  // Divide in two steps: 1/norm could overflow for subnormal norms.
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / big / root;
  return big * root;
}
