/**
 * Validation of `Float64Array` vector arguments of the level-1/2 BLAS.
 * @module
 */
import { InvalidArgumentError, ShapeError } from './errors.js';
import { typeName } from './matrix.js';
import { assertFiniteVector } from './validate.js';

/**
 * Asserts that `v` is a `Float64Array` (of length `length` when given) whose
 * entries are finite (unless `finite` is `false`, for write-only outputs).
 * @internal
 */
export function assertVector(
  fn: string,
  arg: string,
  v: unknown,
  length?: number,
  finite = true,
): Float64Array {
  if (!(v instanceof Float64Array)) {
    throw new InvalidArgumentError(fn, arg, 'a Float64Array', typeName(v));
  }
  if (length !== undefined && v.length !== length) {
    throw new ShapeError(fn, arg, `[${length}]`, `[${v.length}]`);
  }
  if (finite) assertFiniteVector(fn, arg, v);
  return v;
}
