/**
 * Fully connected layer `Y = X̃ W̃ᵀ`, with the bias stored as the last column of
 * `W̃` so that the K-FAC statistics come straight out of forward and backward.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { ShapeError, gemm } from '@bkfac/linalg';
import { appendOnesColumn } from '@bkfac/kfactors';
import type { Tensor } from '../autograd/tensor.js';
import { accumulateGrad, opResult, wantsGrad } from '../autograd/tensor.js';

/**
 * Where a Linear op leaves the two matrices its K-factors need; fill-in happens
 * during forward (`input`) and backward (`outputGrad`), without extra passes.
 * @category Operations
 */
export interface LinearCapture {
  /** `X̃ = [X, 1]` (`n x d_A`; `X` itself without bias), set by the forward pass. */
  input: Matrix | null;
  /** `E = ∂loss/∂Y` (`n x d_out`), set by a backward pass that captures curvature. */
  outputGrad: Matrix | null;
}

/**
 * Options of {@link linear}.
 * @category Operations
 */
export interface LinearOptions {
  /** Whether `weight` carries a bias as its last column (`d_A = d_in + 1`) or not (`d_A = d_in`). */
  bias: boolean;
  /** Optional capture of `X̃` and `E` for the K-factors. */
  capture?: LinearCapture;
  /**
   * Compute `∂L/∂W̃` in backward (default `true`); `false` skips that product when
   * the weight's update is built from the capture instead (factored K-FAC).
   */
  weightGradient?: boolean;
}

/**
 * Fully connected layer `Y = X̃ W̃ᵀ` with `X̃ = [X, 1]` and `W̃ = [W, b]`.
 *
 * Backward computes `∂L/∂W̃ = Eᵀ X̃` and `∂L/∂X = E W` with `E = ∂L/∂Y`; a
 * `capture` receives `X̃` and `E`, so `A = X̃ᵀX̃/n` and `G = n EᵀE` need no extra pass.
 *
 * @param x - `n x d_in` input
 * @param weight - `d_out x d_A` weight, bias in the last column when `options.bias`
 * @param options - bias flag and optional capture
 * @returns the `n x d_out` pre-activations
 * @throws {@link @bkfac/linalg!ShapeError} if `weight` does not have `d_in + 1` (or `d_in`) columns
 * @example
 * ```ts
 * import { fromRows, toRows } from '@bkfac/linalg';
 * import { constant, linear } from '@bkfac/nn';
 * const y = linear(constant(fromRows([[1, 2]])), constant(fromRows([[1, 1, 10]])), { bias: true });
 * console.log(toRows(y.value)); // [[13]]
 * ```
 * @category Operations
 */
export function linear(x: Tensor, weight: Tensor, options: LinearOptions): Tensor {
  const dIn = x.value.shape[1]!;
  const [dOut, dA] = weight.value.shape as [number, number];
  const expected = dIn + (options.bias ? 1 : 0);
  if (dA !== expected) {
    throw new ShapeError('linear', 'weight', `[d_out, ${expected}]`, `[${dOut}, ${dA}]`);
  }
  const xt = options.bias ? appendOnesColumn(x.value) : x.value;
  const y = gemm(xt, weight.value, { transB: true });
  const capture = options.capture;
  if (capture !== undefined) {
    capture.input = xt;
    capture.outputGrad = null;
  }
  return opResult(y, [x, weight], (out, ctx) => {
    const e = out.grad!;
    if (options.weightGradient !== false && wantsGrad(weight, ctx)) {
      accumulateGrad(weight, gemm(e, xt, { transA: true }));
    }
    if (wantsGrad(x, ctx)) {
      accumulateGrad(x, gemm(e, options.bias ? weight.value.hi(dOut, dIn) : weight.value));
    }
    if (capture !== undefined && ctx.captureCurvature) capture.outputGrad = e;
  });
}
