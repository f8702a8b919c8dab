/**
 * Element-wise activations.
 * @module
 */
import type { Tensor } from '../autograd/tensor.js';
import { accumulateGrad, opResult, wantsGrad } from '../autograd/tensor.js';
import { mapEntries, zipEntries } from '../autograd/elementwise.js';

/**
 * Rectified linear unit `Y = max(X, 0)`; its derivative is taken as 0 at 0.
 *
 * @param x - `m x n` input
 * @returns the `m x n` output
 * @example
 * ```ts
 * import { fromRows, toRows } from '@bkfac/linalg';
 * import { constant, relu } from '@bkfac/nn';
 * console.log(toRows(relu(constant(fromRows([[-1, 2]]))).value)); // [[0, 2]]
 * ```
 * @category Operations
 */
export function relu(x: Tensor): Tensor {
  const y = mapEntries(x.value, (v) => (v > 0 ? v : 0));
  return opResult(y, [x], (out, ctx) => {
    if (wantsGrad(x, ctx))
      accumulateGrad(
        x,
        zipEntries(out.grad!, x.value, (g, v) => (v > 0 ? g : 0)),
      );
  });
}

/**
 * Hyperbolic tangent `Y = tanh(X)`, with `∂Y/∂X = 1 − Y²`.
 *
 * @param x - `m x n` input
 * @returns the `m x n` output
 * @example
 * ```ts
 * import { fromRows, toRows } from '@bkfac/linalg';
 * import { constant, tanh } from '@bkfac/nn';
 * console.log(toRows(tanh(constant(fromRows([[0]]))).value)); // [[0]]
 * ```
 * @category Operations
 */
export function tanh(x: Tensor): Tensor {
  const y = mapEntries(x.value, Math.tanh);
  return opResult(y, [x], (out, ctx) => {
    if (wantsGrad(x, ctx))
      accumulateGrad(
        x,
        zipEntries(out.grad!, y, (g, t) => g * (1 - t * t)),
      );
  });
}

/**
 * The logistic function `σ(v) = 1/(1 + e^{−v})`, evaluated without overflow
 * for any finite `v` (through `e^{v}` for negative `v`).
 * @internal
 */
export function logistic(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/**
 * Logistic unit `Y = σ(X) = 1/(1 + e^{−X})`, with `∂Y/∂X = Y(1 − Y)`.
 *
 * @param x - `m x n` input
 * @returns the `m x n` output, entries in `[0, 1]`
 * @example
 * ```ts
 * import { fromRows, toRows } from '@bkfac/linalg';
 * import { constant, sigmoid } from '@bkfac/nn';
 * console.log(toRows(sigmoid(constant(fromRows([[0, 800]]))).value)); // [[0.5, 1]]
 * ```
 * @category Operations
 */
export function sigmoid(x: Tensor): Tensor {
  const y = mapEntries(x.value, logistic);
  return opResult(y, [x], (out, ctx) => {
    if (wantsGrad(x, ctx))
      accumulateGrad(
        x,
        zipEntries(out.grad!, y, (g, s) => g * s * (1 - s)),
      );
  });
}
