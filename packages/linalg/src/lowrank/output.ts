/**
 * Caller-provided output buffers of the eigen-updates (`options.out`).
 * @module
 */
import { zeros } from '../core/matrix.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { assertOutput, assertOutputVector } from '../core/output.js';
import type { Inputs } from '../core/output.js';
import { sharesElements } from '../core/overlap.js';
import { assertObject } from './check-representation.js';
import { leadingColumns } from './blocks.js';
import type { LowRankEigen } from './types.js';

/**
 * Validates `out = { values, vectors }`: `vectors` has `d` rows, room for
 * `needed` columns (the most a call can return, known before it runs), and
 * neither shares an element with any of `inputs` (the representation and
 * block the result is computed from).
 * @internal
 */
export function assertOutputBuffers(
  fn: string,
  out: unknown,
  d: number,
  needed: number,
  inputs: Inputs,
): void {
  assertObject(fn, 'options.out', out, 'an object { values, vectors }');
  const { values, vectors } = out as LowRankEigen;
  assertOutputVector(fn, 'options.out.values', values, null, inputs);
  const cols = assertOutput(fn, 'options.out.vectors', vectors, [d, null], inputs)[1];
  if (sharesElements(values, vectors)) {
    throw new InvalidArgumentError(
      fn,
      'options.out.values',
      "storage that shares no element with 'options.out.vectors'",
      "a view overlapping 'options.out.vectors'",
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
