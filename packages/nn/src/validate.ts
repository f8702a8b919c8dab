/**
 * Boundary checks specific to `@bkfac/nn` (labels, batches).
 * @module
 */
import { InvalidArgumentError, ShapeError } from '@bkfac/linalg';

/**
 * Asserts `labels` has `n` integer entries in `[0, classes)`.
 * @internal
 */
export function assertLabels(
  fn: string,
  arg: string,
  labels: ArrayLike<number>,
  n: number,
  classes: number,
): void {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new InvalidArgumentError(fn, arg, 'an array of integer class labels', labels);
  }
  if (labels.length !== n) throw new ShapeError(fn, arg, `length ${n}`, `length ${labels.length}`);
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= classes) {
      throw new InvalidArgumentError(fn, `${arg}[${i}]`, `an integer class in [0, ${classes})`, y);
    }
  }
}

/**
 * Asserts a batch has at least one row (a mean over zero samples is undefined).
 * @internal
 */
export function assertNonEmpty(fn: string, arg: string, rows: number, cols: number): void {
  if (rows < 1)
    throw new ShapeError(fn, arg, '[n >= 1, any] (a non-empty batch)', `[${rows}, ${cols}]`);
}
