/**
 * Caller-provided output buffers of the eigen-updates (`options.out`).
 * @module
 */
import type { Matrix } from '../core/matrix.js';
import { zeros } from '../core/matrix.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { assertShape } from '../core/validate.js';
import { assertVector } from '../blas/vector.js';
import { assertObject } from './check-representation.js';
import { leadingColumns } from './blocks.js';
import type { LowRankEigen } from './types.js';

/**
 * Validates `out = { values, vectors }`: `vectors` has `d` rows, room for
 * `needed` columns (the most a call can return, known before it runs) and
 * does not share storage with `input` (the basis the result is computed from).
 * @internal
 */
export function assertOutputBuffers(
  fn: string,
  out: unknown,
  d: number,
  needed: number,
  input: Matrix,
): void {
  assertObject(fn, 'options.out', out, 'an object { values, vectors }');
  const { values, vectors } = out as LowRankEigen;
  assertVector(fn, 'options.out.values', values, undefined, false);
  const cols = assertShape(fn, 'options.out.vectors', vectors, [d, null])[1];
  if (vectors.data === input.data) {
    throw new InvalidArgumentError(
      fn,
      'options.out.vectors',
      'storage distinct from the input basis (alternate two buffers)',
      'a view of the input basis',
    );
  }
  if (cols < needed) {
    throw new ShapeError(fn, 'options.out.vectors', `[${d}, >= ${needed}]`, `[${d}, ${cols}]`);
  }
  if (values.length < needed) {
    throw new ShapeError(fn, 'options.out.values', `[>= ${needed}]`, `[${values.length}]`);
  }
}

/**
 * The `d x k` result: views of the first `k` columns/entries of a validated
 * `out`, or fresh arrays (`vectors` column-major).
 * @internal
 */
export function outputFor(out: LowRankEigen | undefined, d: number, k: number): LowRankEigen {
  if (out === undefined) return { values: new Float64Array(k), vectors: zeros(d, k, 'col') };
  return { values: out.values.subarray(0, k), vectors: leadingColumns(out.vectors, k) };
}
