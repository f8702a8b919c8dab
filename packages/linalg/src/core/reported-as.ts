/**
 * Errors of composite routines under the name of the function the user called.
 * @module
 */
import { BkfacError, InvalidArgumentError } from './errors.js';

/**
 * Runs one step of a public function `fn` that calls another public routine
 * (a QR, an EVD, a GEMM), so its errors name what the user called: a
 * {@link BkfacError} naming the inner routine is raised again naming `fn` and
 * the user's argument `arg`, with the same class, the inner detail kept in the
 * message and the original as `cause`. Other errors pass through unchanged.
 * For libraries built on this one (`@bkfac/kfactors` uses it for its products).
 *
 * @param fn - the public function being run, named in the error
 * @param arg - the user's argument the step works on
 * @param step - the inner call
 * @returns what `step` returns
 * @throws {@link InvalidArgumentError} naming `'reportedAs'` if `fn` or `arg` is not a non-empty string or `step` is not a function
 * @throws {@link BkfacError} (the inner error's class) naming `fn` and `arg` if `step` throws one
 * @example
 * ```ts
 * import { matmul, reportedAs, zeros } from '@bkfac/linalg';
 * try {
 *   reportedAs('project', 'basis', () => matmul(zeros(2, 3), zeros(2, 3)));
 * } catch (e) {
 *   console.log([(e as Error).name, (e as { fn: string }).fn]); // ["ShapeError", "project"]
 * }
 * ```
 * @category Errors
 */
export function reportedAs<T>(fn: string, arg: string, step: () => T): T {
  for (const [name, value] of [
    ['fn', fn],
    ['arg', arg],
  ] as const) {
    if (typeof value !== 'string' || value === '') {
      throw new InvalidArgumentError('reportedAs', name, 'a non-empty string', value);
    }
  }
  if (typeof step !== 'function') {
    throw new InvalidArgumentError('reportedAs', 'step', 'a function', step);
  }
  try {
    return step();
  } catch (e) {
    if (!(e instanceof BkfacError) || e.fn === fn) throw e;
    throw reattributed(e, fn, arg);
  }
}

function reattributed(e: BkfacError, fn: string, arg: string): BkfacError {
  const copy = Object.create(Object.getPrototypeOf(e) as object) as BkfacError;
  Object.assign(copy, e);
  const detail = e.message.startsWith(`${e.fn}: `) ? e.message.slice(e.fn.length + 2) : e.message;
  Object.defineProperties(copy, {
    fn: { value: fn, enumerable: true },
    message: {
      value: `${fn}: argument '${arg}' cannot be processed, its ${e.fn} step failed: ${detail}`,
      writable: true,
      configurable: true,
    },
    cause: { value: e, writable: true, configurable: true },
    stack: { value: e.stack, writable: true, configurable: true },
  });
  return copy;
}
