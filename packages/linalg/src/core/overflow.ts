/**
 * One rule for results that leave the float64 range: a typed error naming
 * the function called, never a silent ±Infinity, and a failed call leaves
 * the caller's output as it was.
 * @module
 */
import { NonFiniteError } from './errors.js';
import type { Matrix } from './matrix.js';
import { copy, copyInto } from './matrix.js';
import { firstNonFinite } from './non-finite.js';

/** Below this a result's magnitude bound leaves room for rounding (and cannot overflow). */
const SAFE_BOUND = Number.MAX_VALUE / 4;

/**
 * Runs `compute(target)`, which writes a result of the shape of `out`.
 * `fresh` outputs (allocated by the callee) are checked after the fact; a
 * caller's `out` is written directly when `bound` (a bound on the result's
 * magnitudes) shows it cannot overflow, else through a scratch copy that
 * replaces `out` only once finite.
 * @throws {@link NonFiniteError} naming `fn` and `operands` if the result overflows
 * @internal
 */
export function computeWithoutOverflow(
  fn: string,
  operands: string,
  out: Matrix,
  fresh: boolean,
  bound: () => number,
  compute: (target: Matrix) => void,
): void {
  if (fresh) {
    compute(out);
    assertRepresentable(fn, operands, out);
    return;
  }
  if (bound() <= SAFE_BOUND) {
    compute(out);
    return;
  }
  const scratch = copy(out);
  compute(scratch);
  assertRepresentable(fn, operands, scratch);
  copyInto(out, scratch);
}

/**
 * A freshly computed result must be finite: an entry beyond float64 is an
 * error naming `fn` and `operands`, never a silent ±Infinity.
 * @throws {@link NonFiniteError} if an entry of `result` overflowed
 * @internal
 */
export function assertRepresentable(fn: string, operands: string, result: Matrix): void {
  const at = firstNonFinite(result);
  if (at !== null) {
    const where = `(${at[0]}, ${at[1]}): the result of ${operands} overflows float64`;
    throw new NonFiniteError(fn, 'result', where, result.get(at[0], at[1]));
  }
}
