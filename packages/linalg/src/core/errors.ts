/**
 * Typed errors raised at every public boundary of bkfac.
 *
 * Each message names the function, the argument, what was expected and what
 * was received, so a caller can fix the call without reading the source.
 * @module
 */

/**
 * Base class of every error bkfac throws on purpose.
 *
 * Catch `BkfacError` to handle any library error; catch a subclass to handle
 * one kind.
 *
 * @example
 * ```ts
 * import { BkfacError, eye, ShapeError } from '@bkfac/linalg';
 * try {
 *   eye(-1);
 * } catch (e) {
 *   console.log(e instanceof BkfacError); // true
 * }
 * ```
 * @category Errors
 */
export class BkfacError extends Error {
  /** Set explicitly so the name survives minification. */
  override name = 'BkfacError';

  /** Name of the public function that rejected its input. */
  readonly fn: string;

  /**
   * @param fn - name of the public function raising the error
   * @param message - full human-readable message
   */
  constructor(fn: string, message: string) {
    super(message);
    this.fn = fn;
  }
}

/**
 * An argument has the wrong rank or shape.
 *
 * @example
 * ```ts
 * import { ShapeError } from '@bkfac/linalg';
 * const e = new ShapeError('gemm', 'b', '[3, n]', '[4, 2]');
 * console.log(e.message); // gemm: argument 'b' must have shape [3, n], received [4, 2]
 * ```
 * @category Errors
 */
export class ShapeError extends BkfacError {
  /** Set explicitly so the name survives minification. */
  override name = 'ShapeError';

  /** Name of the offending argument. */
  readonly arg: string;

  /**
   * @param fn - function name
   * @param arg - argument name
   * @param expected - description of the expected shape, e.g. `'[m, k]'`
   * @param received - description of the received shape
   */
  constructor(fn: string, arg: string, expected: string, received: string) {
    super(fn, `${fn}: argument '${arg}' must have shape ${expected}, received ${received}`);
    this.arg = arg;
  }
}

/**
 * An argument contains NaN or ±Infinity where finite numbers are required.
 *
 * @example
 * ```ts
 * import { NonFiniteError } from '@bkfac/linalg';
 * const e = new NonFiniteError('eigh', 'a', '(0, 1)', NaN);
 * console.log(e.message); // eigh: argument 'a' must be finite, received NaN at (0, 1)
 * ```
 * @category Errors
 */
export class NonFiniteError extends BkfacError {
  /** Set explicitly so the name survives minification. */
  override name = 'NonFiniteError';

  /** Name of the offending argument. */
  readonly arg: string;

  /**
   * @param fn - function name
   * @param arg - argument name
   * @param where - position of the first non-finite entry, e.g. `'(2, 3)'`
   * @param value - the offending value
   */
  constructor(fn: string, arg: string, where: string, value: number) {
    super(fn, `${fn}: argument '${arg}' must be finite, received ${value} at ${where}`);
    this.arg = arg;
  }
}

/**
 * A matrix that must be symmetric is not, beyond the allowed tolerance.
 *
 * @example
 * ```ts
 * import { NonSymmetricError } from '@bkfac/linalg';
 * const e = new NonSymmetricError('eigh', 'a', 0, 1, 0.5, 1e-12);
 * console.log(e.message.startsWith('eigh: argument')); // true
 * ```
 * @category Errors
 */
export class NonSymmetricError extends BkfacError {
  /** Set explicitly so the name survives minification. */
  override name = 'NonSymmetricError';

  /** Name of the offending argument. */
  readonly arg: string;

  /**
   * @param fn - function name
   * @param arg - argument name
   * @param i - row of the worst asymmetric pair
   * @param j - column of the worst asymmetric pair
   * @param difference - `|a[i,j] - a[j,i]|`
   * @param tolerance - the tolerance that was exceeded
   */
  constructor(
    fn: string,
    arg: string,
    i: number,
    j: number,
    difference: number,
    tolerance: number,
  ) {
    super(
      fn,
      `${fn}: argument '${arg}' must be symmetric (|a[i,j] - a[j,i]| <= ${tolerance.toExponential(2)}), ` +
        `received |a[${i},${j}] - a[${j},${i}]| = ${difference.toExponential(3)}`,
    );
    this.arg = arg;
  }
}

/**
 * An argument is outside its valid range or of the wrong kind.
 *
 * @example
 * ```ts
 * import { InvalidArgumentError } from '@bkfac/linalg';
 * const e = new InvalidArgumentError('rsvd', 'rank', 'an integer in [1, 10]', 0);
 * console.log(e.message); // rsvd: argument 'rank' must be an integer in [1, 10], received 0
 * ```
 * @category Errors
 */
export class InvalidArgumentError extends BkfacError {
  /** Set explicitly so the name survives minification. */
  override name = 'InvalidArgumentError';

  /** Name of the offending argument. */
  readonly arg: string;

  /**
   * @param fn - function name
   * @param arg - argument name
   * @param expected - what the argument must be
   * @param received - what was passed (formatted with `String`)
   */
  constructor(fn: string, arg: string, expected: string, received: unknown) {
    super(fn, `${fn}: argument '${arg}' must be ${expected}, received ${describe(received)}`);
    this.arg = arg;
  }
}

/**
 * A matrix that must be positive definite is not: a Cholesky pivot was not positive.
 *
 * @example
 * ```ts
 * import { NotPositiveDefiniteError } from '@bkfac/linalg';
 * const e = new NotPositiveDefiniteError('cholesky', 'a', 2, -0.5);
 * console.log(e.pivot); // 2
 * ```
 * @category Errors
 */
export class NotPositiveDefiniteError extends BkfacError {
  /** Set explicitly so the name survives minification. */
  override name = 'NotPositiveDefiniteError';

  /** Name of the offending argument. */
  readonly arg: string;
  /** Index of the first non-positive pivot. */
  readonly pivot: number;

  /**
   * @param fn - function name
   * @param arg - argument name
   * @param pivot - index of the failing pivot
   * @param value - the value of the pivot before the square root
   */
  constructor(fn: string, arg: string, pivot: number, value: number) {
    super(
      fn,
      `${fn}: argument '${arg}' must be symmetric positive definite, received pivot ${pivot} = ${value}`,
    );
    this.arg = arg;
    this.pivot = pivot;
  }
}

/**
 * An iterative method did not converge within its iteration budget.
 *
 * @example
 * ```ts
 * import { ConvergenceError } from '@bkfac/linalg';
 * const e = new ConvergenceError('eigh', 300, 'tridiagonal QL did not converge for eigenvalue 4');
 * console.log(e.iterations); // 300
 * ```
 * @category Errors
 */
export class ConvergenceError extends BkfacError {
  /** Set explicitly so the name survives minification. */
  override name = 'ConvergenceError';

  /** Number of iterations spent before giving up. */
  readonly iterations: number;

  /**
   * @param fn - function name
   * @param iterations - iterations performed
   * @param detail - what failed to converge
   */
  constructor(fn: string, iterations: number, detail: string) {
    super(fn, `${fn}: no convergence after ${iterations} iterations: ${detail}`);
    this.iterations = iterations;
  }
}

/**
 * The compute engine cannot do what was asked: WebAssembly SIMD kernels were
 * requested where WebAssembly is unavailable or forbidden, more than one thread
 * where no worker threads exist, or a worker thread failed during a call.
 *
 * @example
 * ```ts
 * import { ComputeEngineError } from '@bkfac/linalg';
 * const e = new ComputeEngineError('setThreads', 'worker threads are unavailable in this runtime');
 * console.log(e.message); // setThreads: worker threads are unavailable in this runtime
 * ```
 * @category Errors
 */
export class ComputeEngineError extends BkfacError {
  /** Set explicitly so the name survives minification. */
  override name = 'ComputeEngineError';

  /**
   * @param fn - function name (or the environment variable that asked for it)
   * @param detail - what is unavailable or what failed
   */
  constructor(fn: string, detail: string) {
    super(fn, `${fn}: ${detail}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  return String(value);
}
