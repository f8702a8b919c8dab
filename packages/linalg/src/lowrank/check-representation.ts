/**
 * Boundary validation of low-rank representations.
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { typeName } from '../core/matrix.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { assertFinite, assertMatrix } from '../core/validate.js';
import { assertVector } from '../core/vector.js';
import { checkOrthonormal } from './orthogonality.js';
import type { OrthonormalityOptions } from './orthogonality.js';

/**
 * Checks `values` (length `r`, finite) against an orthonormal `d x r` basis
 * `vectors` (finite, `r ≤ d`, orthonormality per `options`); returns `[d, r]`.
 * @internal
 */
export function assertEigenPairs(
  fn: string,
  valuesArg: string,
  vectorsArg: string,
  values: unknown,
  vectors: unknown,
  options: OrthonormalityOptions,
): [number, number] {
  const v = assertVector(fn, valuesArg, values);
  return assertBasis(fn, vectorsArg, vectors, null, v.length, options);
}

/**
 * Checks a `d x r` orthonormal basis (finite, `r ≤ d`, `d` fixed unless
 * `null`, `r` fixed); returns `[d, r]`.
 * @internal
 */
export function assertBasis(
  fn: string,
  arg: string,
  vectors: unknown,
  rows: number | null,
  cols: number,
  options: OrthonormalityOptions,
): [number, number] {
  const [d, r] = assertMatrix(fn, arg, vectors);
  if ((rows !== null && d !== rows) || r !== cols || r > d) {
    throw new ShapeError(fn, arg, `[${rows ?? 'd'}, ${cols}] with ${cols} <= d`, `[${d}, ${r}]`);
  }
  assertFinite(fn, arg, vectors as Matrix);
  checkOrthonormal(fn, arg, vectors as Matrix, options);
  return [d, r];
}

/**
 * Asserts that `x` is a non-null object (a representation argument).
 * @internal
 */
export function assertObject(fn: string, arg: string, x: unknown, expected: string): void {
  if (typeof x !== 'object' || x === null) {
    throw new InvalidArgumentError(fn, arg, expected, typeName(x));
  }
}
