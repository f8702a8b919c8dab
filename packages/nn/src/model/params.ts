/**
 * Parameter collections: named float64 matrices, and the few whole-collection
 * operations optimizers and training loops need.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { InvalidArgumentError, ShapeError, add, copy, zeros } from '@bkfac/linalg';
import { assertMatrix } from '@bkfac/linalg/validate';
import { addInPlace } from '../autograd/elementwise.js';

/**
 * Named parameter matrices (also used for gradients and updates, which share
 * the keys and shapes). Linear layers store `W̃ = [W, b]` as one matrix.
 * @category Model
 */
export type Params = Readonly<Record<string, Matrix>>;

/**
 * Fresh row-major zero matrices with the keys and shapes of `params`.
 *
 * @param params - parameter collection
 * @returns zeros shaped like `params`
 * @example
 * ```ts
 * import { eye } from '@bkfac/linalg';
 * import { zerosLike } from '@bkfac/nn';
 * console.log(zerosLike({ w: eye(2) }).w.get(0, 0)); // 0
 * ```
 * @category Model
 */
export function zerosLike(params: Params): Record<string, Matrix> {
  const out: Record<string, Matrix> = {};
  for (const [k, v] of Object.entries(params)) out[k] = zeros(v.shape[0]!, v.shape[1]!);
  return out;
}

/**
 * Fresh row-major copies of every matrix of `params`.
 *
 * @param params - parameter collection (any strides)
 * @returns deep copy
 * @example
 * ```ts
 * import { eye } from '@bkfac/linalg';
 * import { cloneParams } from '@bkfac/nn';
 * const p = { w: eye(2) };
 * console.log(cloneParams(p).w !== p.w); // true
 * ```
 * @category Model
 */
export function cloneParams(params: Params): Record<string, Matrix> {
  const out: Record<string, Matrix> = {};
  for (const [k, v] of Object.entries(params)) out[k] = copy(v);
  return out;
}

/**
 * `θ + u` for every parameter: applies additive updates (optax convention:
 * an optimizer's updates already carry the minus sign and the learning rate).
 *
 * @param params - parameters `θ`
 * @param updates - updates `u` with the same keys and shapes
 * @returns fresh parameters `θ + u`
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if a key of `params` is missing from `updates`
 * @throws {@link @bkfac/linalg!ShapeError} if shapes differ
 * @throws {@link @bkfac/linalg!NonFiniteError} if an entry is NaN or ±Infinity
 * @example
 * ```ts
 * import { eye } from '@bkfac/linalg';
 * import { applyUpdates } from '@bkfac/nn';
 * console.log(applyUpdates({ w: eye(1) }, { w: eye(1) }).w.get(0, 0)); // 2
 * ```
 * @category Model
 */
export function applyUpdates(params: Params, updates: Params): Record<string, Matrix> {
  assertSameStructure('applyUpdates', 'updates', params, updates);
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, add(v, updates[k]!)]));
}

/**
 * `θ ← θ + u` in place for every parameter.
 *
 * @param params - parameters `θ`, modified
 * @param updates - updates `u` with the same keys and shapes
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if a key of `params` is missing from `updates`
 * @throws {@link @bkfac/linalg!ShapeError} if shapes differ
 * @example
 * ```ts
 * import { eye } from '@bkfac/linalg';
 * import { applyUpdatesInPlace } from '@bkfac/nn';
 * const p = { w: eye(1) };
 * applyUpdatesInPlace(p, { w: eye(1) });
 * console.log(p.w.get(0, 0)); // 2
 * ```
 * @category Model
 */
export function applyUpdatesInPlace(params: Params, updates: Params): void {
  assertSameStructure('applyUpdatesInPlace', 'updates', params, updates);
  for (const [k, p] of Object.entries(params)) addInPlace(p, updates[k]!);
}

/**
 * Asserts that `other` has every key of `params`, each a float64 matrix of the same shape.
 * @internal
 */
export function assertSameStructure(fn: string, arg: string, params: Params, other: Params): void {
  if (other === null || typeof other !== 'object') {
    throw new InvalidArgumentError(fn, arg, 'a record of matrices', other);
  }
  for (const [k, v] of Object.entries(params)) {
    const o = other[k];
    if (o === undefined) throw new InvalidArgumentError(fn, `${arg}.${k}`, 'a matrix', undefined);
    const [m, n] = assertMatrix(fn, `${arg}.${k}`, o);
    if (m !== v.shape[0] || n !== v.shape[1]) {
      throw new ShapeError(fn, `${arg}.${k}`, `[${v.shape[0]}, ${v.shape[1]}]`, `[${m}, ${n}]`);
    }
  }
}
