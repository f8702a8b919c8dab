/**
 * Validation helpers used at every public boundary. Each throws the typed
 * error of `errors.ts` with the calling function's and argument's names.
 * @module
 */
import type { Matrix } from './matrix.js';
import { typeName } from './matrix.js';
import { InvalidArgumentError, NonFiniteError, NonSymmetricError, ShapeError } from './errors.js';
import { firstNonFinite } from './non-finite.js';
import { maxAbs } from './strided.js';

/**
 * Asserts that `a` is a 2-D float64 `ndarray` and returns its shape.
 *
 * @param fn - name of the calling public function (for the message)
 * @param arg - name of the argument being checked
 * @param a - the value to check
 * @returns `[rows, cols]`
 * @throws {@link InvalidArgumentError} if `a` is not an ndarray over a `Float64Array`
 * @throws {@link ShapeError} if `a` is not 2-D
 * @example
 * ```ts
 * import { zeros } from '@bkfac/linalg';
 * import { assertMatrix } from '@bkfac/linalg/validate';
 * console.log(assertMatrix('demo', 'a', zeros(2, 3))); // [2, 3]
 * try {
 *   assertMatrix('demo', 'a', [[1, 2]]);
 * } catch (e) {
 *   console.log((e as Error).message); // demo: argument 'a' must be a 2-D ndarray over a Float64Array, received "Array"
 * }
 * ```
 * @category Validation
 */
export function assertMatrix(fn: string, arg: string, a: unknown): [number, number] {
  const candidate = a as Partial<Matrix> | null | undefined;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    !Array.isArray(candidate.shape) ||
    !Array.isArray(candidate.stride)
  ) {
    throw new InvalidArgumentError(fn, arg, 'a 2-D ndarray over a Float64Array', typeName(a));
  }
  if (!(candidate.data instanceof Float64Array)) {
    throw new InvalidArgumentError(
      fn,
      arg,
      'an ndarray over a Float64Array',
      `an ndarray over ${typeName(candidate.data)}`,
    );
  }
  if (candidate.shape.length !== 2) {
    throw new ShapeError(fn, arg, '[m, n] (2-D)', `[${candidate.shape.join(', ')}]`);
  }
  return [candidate.shape[0]!, candidate.shape[1]!];
}

/**
 * Asserts that `a` is a 2-D float64 matrix whose shape matches `expected`
 * (`null` entries match any size).
 *
 * @param fn - calling function
 * @param arg - argument name
 * @param a - the value to check
 * @param expected - `[rows | null, cols | null]`
 * @returns the actual `[rows, cols]`
 * @throws {@link ShapeError} on a mismatch
 * @example
 * ```ts
 * import { zeros } from '@bkfac/linalg';
 * import { assertShape } from '@bkfac/linalg/validate';
 * console.log(assertShape('demo', 'b', zeros(3, 2), [3, null])); // [3, 2]
 * try {
 *   assertShape('demo', 'b', zeros(2, 2), [3, null]);
 * } catch (e) {
 *   console.log((e as Error).message); // demo: argument 'b' must have shape [3, any], received [2, 2]
 * }
 * ```
 * @category Validation
 */
export function assertShape(
  fn: string,
  arg: string,
  a: unknown,
  expected: readonly [number | null, number | null],
): [number, number] {
  const shape = assertMatrix(fn, arg, a);
  const valid = (e: unknown) => e === null || (Number.isInteger(e) && (e as number) >= 0);
  if (!Array.isArray(expected) || expected.length !== 2 || !expected.every(valid)) {
    throw new InvalidArgumentError(
      'assertShape',
      'expected',
      '[rows, cols] with each a non-negative integer or null',
      expected,
    );
  }
  const [er, ec] = expected;
  if ((er !== null && shape[0] !== er) || (ec !== null && shape[1] !== ec)) {
    throw new ShapeError(fn, arg, `[${er ?? 'any'}, ${ec ?? 'any'}]`, `[${shape[0]}, ${shape[1]}]`);
  }
  return shape;
}

/**
 * Asserts that `a` is a square 2-D float64 matrix and returns its order.
 *
 * @param fn - calling function
 * @param arg - argument name
 * @param a - the value to check
 * @returns `n` for an `n x n` matrix
 * @throws {@link ShapeError} if `a` is not square
 * @example
 * ```ts
 * import { eye, zeros } from '@bkfac/linalg';
 * import { assertSquare } from '@bkfac/linalg/validate';
 * console.log(assertSquare('demo', 'a', eye(4))); // 4
 * try {
 *   assertSquare('demo', 'a', zeros(2, 3));
 * } catch (e) {
 *   console.log((e as Error).message); // demo: argument 'a' must have shape [n, n] (square), received [2, 3]
 * }
 * ```
 * @category Validation
 */
export function assertSquare(fn: string, arg: string, a: unknown): number {
  const [m, n] = assertMatrix(fn, arg, a);
  if (m !== n) throw new ShapeError(fn, arg, '[n, n] (square)', `[${m}, ${n}]`);
  return n;
}

/**
 * Asserts that every entry of a matrix is finite (no NaN, no ±Infinity).
 *
 * @param fn - calling function
 * @param arg - argument name
 * @param a - matrix (any strides) already checked by {@link assertMatrix}
 * @throws {@link NonFiniteError} naming the first offending entry
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { assertFinite } from '@bkfac/linalg/validate';
 * try {
 *   assertFinite('demo', 'a', fromRows([[1, 2], [3, Infinity]]));
 * } catch (e) {
 *   console.log((e as Error).message); // demo: argument 'a' must be finite, received Infinity at (1, 1)
 * }
 * ```
 * @category Validation
 */
export function assertFinite(fn: string, arg: string, a: Matrix): void {
  assertMatrix(fn, arg, a);
  const at = firstNonFinite(a);
  if (at !== null) throw new NonFiniteError(fn, arg, `(${at[0]}, ${at[1]})`, a.get(at[0], at[1]));
}

/**
 * Asserts that every entry of a vector is finite.
 *
 * @param fn - calling function
 * @param arg - argument name
 * @param v - vector
 * @throws {@link NonFiniteError} naming the first offending entry
 * @example
 * ```ts
 * import { assertFiniteVector } from '@bkfac/linalg/validate';
 * try {
 *   assertFiniteVector('demo', 'values', new Float64Array([1, NaN]));
 * } catch (e) {
 *   console.log((e as Error).message); // demo: argument 'values' must be finite, received NaN at [1]
 * }
 * ```
 * @category Validation
 */
export function assertFiniteVector(fn: string, arg: string, v: ArrayLike<number>): void {
  if (typeof v !== 'object' || v === null || typeof v.length !== 'number') {
    throw new InvalidArgumentError(fn, arg, 'an array of numbers', typeName(v));
  }
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x - x !== 0) throw new NonFiniteError(fn, arg, `[${i}]`, x);
  }
}

/**
 * Asserts `|a[i,j] - a[j,i]| <= tolerance · max|a|` for all pairs.
 *
 * @param fn - calling function
 * @param arg - argument name
 * @param a - square float64 matrix (any strides)
 * @param tolerance - relative tolerance, finite and `>= 0` (default `1e-10`)
 * @throws {@link NonSymmetricError} naming the worst pair
 * @throws {@link ShapeError} if `a` is not square
 * @throws {@link InvalidArgumentError} if `a` is not a float64 matrix or `tolerance` is invalid
 * @throws {@link NonFiniteError} if `a` holds NaN or ±Infinity
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { assertSymmetric } from '@bkfac/linalg/validate';
 * const a = fromRows([[2, 1], [1.001, 2]]);
 * assertSymmetric('demo', 'a', a, 1e-3); // |1 − 1.001| ≤ 1e-3·max|a|
 * try {
 *   assertSymmetric('demo', 'a', a);
 * } catch (e) {
 *   console.log((e as Error).message); // demo: argument 'a' must be symmetric (|a[i,j] - a[j,i]| <= 2.00e-10), received |a[0,1] - a[1,0]| = 1.000e-3
 * }
 * ```
 * @category Validation
 */
export function assertSymmetric(fn: string, arg: string, a: Matrix, tolerance = 1e-10): void {
  const n = assertSquare(fn, arg, a);
  assertNumber('assertSymmetric', 'tolerance', tolerance, 0);
  const [s0, s1] = a.stride as [number, number];
  const d = a.data;
  const o = a.offset;
  const scale = maxAbs(a);
  // NaN or ±Infinity make every comparison below meaningless: report the entry instead.
  if (!(scale < Infinity)) assertFinite(fn, arg, a);
  const bound = tolerance * Math.max(scale, Number.MIN_VALUE);
  let worst = 0;
  let wi = 0;
  let wj = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const diff = Math.abs(d[o + i * s0 + j * s1]! - d[o + j * s0 + i * s1]!);
      if (diff > worst) {
        worst = diff;
        wi = i;
        wj = j;
      }
    }
  }
  if (worst > bound) throw new NonSymmetricError(fn, arg, wi, wj, worst, bound);
}

/**
 * Asserts that `x` is an integer in `[min, max]`.
 *
 * @param fn - calling function
 * @param arg - argument name
 * @param x - value to check
 * @param min - smallest allowed value
 * @param max - largest allowed value (default `Infinity`)
 * @returns `x`
 * @throws {@link InvalidArgumentError} otherwise
 * @example
 * ```ts
 * import { assertInteger } from '@bkfac/linalg/validate';
 * const rank: unknown = 3;
 * const checked: number = assertInteger('demo', 'rank', rank, 1, 10); // typed as a number from here on
 * console.log(checked + 1); // 4
 * try {
 *   assertInteger('demo', 'rank', 2.5, 1, 10);
 * } catch (e) {
 *   console.log((e as Error).message); // demo: argument 'rank' must be an integer in [1, 10], received 2.5
 * }
 * ```
 * @category Validation
 */
export function assertInteger(
  fn: string,
  arg: string,
  x: unknown,
  min: number,
  max = Infinity,
): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new InvalidArgumentError(fn, arg, `an integer ${range}`, x);
  }
  return x;
}

/**
 * Asserts that `x` is `true` or `false` (a flag given as `'no'` or `0` would
 * otherwise be read by truthiness).
 *
 * @param fn - calling function
 * @param arg - argument name
 * @param x - value to check
 * @returns `x`
 * @throws {@link InvalidArgumentError} if `x` is not a boolean
 * @example
 * ```ts
 * import { assertBoolean } from '@bkfac/linalg/validate';
 * try {
 *   assertBoolean('demo', 'options.lower', 'no');
 * } catch (e) {
 *   console.log((e as Error).message); // demo: argument 'options.lower' must be true or false, received "no"
 * }
 * ```
 * @category Validation
 */
export function assertBoolean(fn: string, arg: string, x: unknown): boolean {
  if (typeof x !== 'boolean') throw new InvalidArgumentError(fn, arg, 'true or false', x);
  return x;
}

/**
 * Asserts that `x` is a finite number in `[min, max]`.
 *
 * @param fn - calling function
 * @param arg - argument name
 * @param x - value to check
 * @param min - smallest allowed value (default `-Infinity`)
 * @param max - largest allowed value (default `Infinity`)
 * @returns `x`
 * @throws {@link InvalidArgumentError} otherwise
 * @example
 * ```ts
 * import { assertNumber } from '@bkfac/linalg/validate';
 * try {
 *   assertNumber('demo', 'decay', 1.5, 0, 1);
 * } catch (e) {
 *   console.log((e as Error).message); // demo: argument 'decay' must be a finite number in [0, 1], received 1.5
 * }
 * ```
 * @category Validation
 */
export function assertNumber(
  fn: string,
  arg: string,
  x: unknown,
  min = -Infinity,
  max = Infinity,
): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) {
    throw new InvalidArgumentError(fn, arg, `a finite number in [${min}, ${max}]`, x);
  }
  return x;
}
