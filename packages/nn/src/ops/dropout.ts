/**
 * Inverted dropout.
 * @module
 */
import type { Rng } from '@bkfac/linalg';
import { InvalidArgumentError } from '@bkfac/linalg';
import type { Tensor } from '../autograd/tensor.js';
import { accumulateGrad, opResult, wantsGrad } from '../autograd/tensor.js';
import { mapEntries, zipEntries } from '../autograd/elementwise.js';

/**
 * Inverted dropout `Y = X ⊙ M` with `M_ij = B_ij / (1 − p)`, `B_ij ~ Bernoulli(1 − p)`,
 * so `E[Y] = X`; the same mask scales the gradient.
 *
 * @param x - `m x n` input
 * @param rate - drop probability `p ∈ [0, 1)`; `0` returns `x` itself
 * @param rng - generator for the mask (advanced by `m·n` draws when `p > 0`)
 * @returns the `m x n` output
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `rate` is not in `[0, 1)`
 * @example
 * ```ts
 * import { createRng, fromRows } from '@bkfac/linalg';
 * import { constant, dropout } from '@bkfac/nn';
 * const y = dropout(constant(fromRows([[1, 1, 1, 1]])), 0.5, createRng(1));
 * console.log(y.value.data.every((v) => v === 0 || v === 2)); // true
 * ```
 * @category Operations
 */
export function dropout(x: Tensor, rate: number, rng: Rng): Tensor {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new InvalidArgumentError('dropout', 'rate', 'a number in [0, 1)', rate);
  }
  if (rate === 0) return x;
  const keep = 1 / (1 - rate);
  const mask = mapEntries(x.value, () => (rng.next() < rate ? 0 : keep));
  const y = zipEntries(x.value, mask, (v, s) => v * s);
  return opResult(y, [x], (out, ctx) => {
    if (wantsGrad(x, ctx))
      accumulateGrad(
        x,
        zipEntries(out.grad!, mask, (g, s) => g * s),
      );
  });
}
