/**
 * The one output convention of `@bkfac/linalg`: a routine that can write into
 * a caller's buffer takes it as `options.out`, writes the result there and
 * returns it; without `out` it returns a fresh result. `out` must not share
 * any element with an input (an overlapping `out` would be overwritten while
 * it is still being read), else the call throws an
 * {@link InvalidArgumentError} before it writes anything. `docs/linalg.md`
 * ("Outputs") states the rule for users.
 * @module
 */
import { ShapeError } from './errors.js';
import type { Matrix } from './matrix.js';
import { assertDisjoint } from './overlap.js';
import { assertMatrix } from './validate.js';
import { assertVector } from './vector.js';

/** The inputs an output must stay clear of, by argument name. */
export type Inputs = readonly (readonly [string, Matrix | Float64Array])[];

/**
 * Checks a caller's output matrix: a float64 matrix of exactly `shape`
 * (`null` entries: any size) sharing no element with any of `inputs`.
 * @returns `[rows, cols]` of `out`
 * @throws {@link ShapeError} naming `arg` if the shape differs
 * @throws {@link InvalidArgumentError} naming `arg` if it is not a matrix or overlaps an input
 * @internal
 */
export function assertOutput(
  fn: string,
  arg: string,
  out: unknown,
  shape: readonly [number | null, number | null],
  inputs: Inputs,
): [number, number] {
  const [r, c] = assertMatrix(fn, arg, out);
  const [er, ec] = shape;
  if ((er !== null && r !== er) || (ec !== null && c !== ec)) {
    throw new ShapeError(fn, arg, `[${er ?? 'any'}, ${ec ?? 'any'}]`, `[${r}, ${c}]`);
  }
  for (const [name, input] of inputs) assertDisjoint(fn, arg, out as Matrix, name, input);
  return [r, c];
}

/**
 * Checks a caller's output vector: a `Float64Array` of `length` entries (any
 * length when `null`; finite ones when `finite`, for outputs accumulated into)
 * sharing no element with any of `inputs`.
 * @throws {@link ShapeError} naming `arg` if the length differs
 * @throws {@link InvalidArgumentError} naming `arg` if it is not a `Float64Array` or overlaps an input
 * @throws {@link NonFiniteError} naming `arg` if `finite` and an entry is NaN or ±Infinity
 * @internal
 */
export function assertOutputVector(
  fn: string,
  arg: string,
  out: unknown,
  length: number | null,
  inputs: Inputs,
  finite = false,
): Float64Array {
  const v = assertVector(fn, arg, out, length ?? undefined, finite);
  for (const [name, input] of inputs) assertDisjoint(fn, arg, v, name, input);
  return v;
}
