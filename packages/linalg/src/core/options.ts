/**
 * The options argument of public functions.
 * @module
 */
import { InvalidArgumentError } from './errors.js';
import { typeName } from './matrix.js';

/**
 * The options argument of a public function: `{}` when omitted, else it must
 * be a plain object (not `null`, an array or a primitive).
 * @throws {@link InvalidArgumentError} naming `fn` and `options` otherwise
 * @internal
 */
export function optionsObject<T extends object>(fn: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(fn, 'options', 'an object (or omitted)', typeName(options));
  }
  return options;
}
