/**
 * Errors of composite routines under the name of the function the user called.
 * @module
 */
import { BkfacError } from './errors.js';

/**
 * Runs one step of the public function `fn` that calls another public routine
 * (a QR, an EVD, an SVD). A {@link BkfacError} that names the inner routine is
 * raised again naming `fn` and the user's argument `arg`, with the same class
 * and the inner detail kept in the message and as `cause`.
 * @internal
 */
export function reportedAs<T>(fn: string, arg: string, step: () => T): T {
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
