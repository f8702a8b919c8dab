/**
 * Batch-mean losses: softmax cross-entropy and half squared error.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { assertShape, fromArray, zeros } from '@bkfac/linalg';
import type { Tensor } from '../autograd/tensor.js';
import { accumulateGrad, opResult, wantsGrad } from '../autograd/tensor.js';
import { zipEntries } from '../autograd/elementwise.js';
import { assertLabels, assertNonEmpty } from '../validate.js';

/**
 * Row-wise softmax `P_ij = exp(Z_ij − max_k Z_ik) / Σ_k exp(Z_ik − max_k Z_ik)`.
 *
 * @param logits - `n x c` matrix (any strides)
 * @returns a fresh row-major `n x c` matrix whose rows sum to 1
 * @example
 * ```ts
 * import { fromRows, toRows } from '@bkfac/linalg';
 * import { softmax } from '@bkfac/nn';
 * console.log(toRows(softmax(fromRows([[0, 0]])))); // [[0.5, 0.5]]
 * ```
 * @category Operations
 */
export function softmax(logits: Matrix): Matrix {
  return softmaxWithLogNormalizers(logits).probabilities;
}

/** Row-wise softmax and the per-row log-normalisers `log Σ_k exp Z_ik`. */
function softmaxWithLogNormalizers(logits: Matrix): {
  probabilities: Matrix;
  logNormalizers: Float64Array;
} {
  const [n, c] = logits.shape as [number, number];
  const [s0, s1] = logits.stride as [number, number];
  const zd = logits.data;
  const probabilities = zeros(n, c);
  const pd = probabilities.data;
  const logNormalizers = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = logits.offset + i * s0;
    let max = -Infinity;
    for (let j = 0, p = row; j < c; j++, p += s1) max = Math.max(max, zd[p]!);
    let sum = 0;
    for (let j = 0, p = row; j < c; j++, p += s1) {
      const e = Math.exp(zd[p]! - max);
      pd[i * c + j] = e;
      sum += e;
    }
    for (let j = 0; j < c; j++) pd[i * c + j]! /= sum;
    logNormalizers[i] = max + Math.log(sum);
  }
  return { probabilities, logNormalizers };
}

/**
 * Mean softmax cross-entropy `L = (1/n) Σ_i (log Σ_k exp Z_ik − Z_{i,y_i})`,
 * with `∂L/∂Z = (softmax(Z) − onehot(y)) / n`.
 *
 * @param logits - `n x c` scores, `n >= 1`
 * @param labels - `n` integer classes in `[0, c)`
 * @returns the `1 x 1` loss
 * @throws {@link @bkfac/linalg!ShapeError} if the batch is empty or `labels` has the wrong length
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if a label is not an integer in `[0, c)`
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { constant, softmaxCrossEntropy } from '@bkfac/nn';
 * const loss = softmaxCrossEntropy(constant(fromRows([[0, 0]])), [1]);
 * console.log(loss.value.get(0, 0).toFixed(4)); // 0.6931
 * ```
 * @category Operations
 */
export function softmaxCrossEntropy(logits: Tensor, labels: ArrayLike<number>): Tensor {
  const [n, c] = logits.value.shape as [number, number];
  assertNonEmpty('softmaxCrossEntropy', 'logits', n, c);
  assertLabels('softmaxCrossEntropy', 'labels', labels, n, c);
  const { probabilities, logNormalizers } = softmaxWithLogNormalizers(logits.value);
  const pd = probabilities.data;
  let loss = 0;
  // Log-sum-exp form: stays finite even when p_y underflows to 0.
  for (let i = 0; i < n; i++) loss += logNormalizers[i]! - logits.value.get(i, labels[i]!);
  const value = fromArray(new Float64Array([loss / n]), [1, 1]);
  return opResult(value, [logits], (out, ctx) => {
    if (!wantsGrad(logits, ctx)) return;
    const scale = out.grad!.get(0, 0) / n;
    const g = zeros(n, c);
    const gd = g.data;
    for (let i = 0; i < n * c; i++) gd[i] = pd[i]! * scale;
    for (let i = 0; i < n; i++) gd[i * c + labels[i]!]! -= scale;
    accumulateGrad(logits, g);
  });
}

/**
 * Mean half squared error `L = (1/n) Σ_i ½‖y_i − t_i‖²` (the unit-variance
 * Gaussian negative log-likelihood up to a constant), with `∂L/∂Y = (Y − T)/n`.
 *
 * @param y - `n x c` predictions, `n >= 1`
 * @param target - `n x c` targets
 * @returns the `1 x 1` loss
 * @throws {@link @bkfac/linalg!ShapeError} if the batch is empty or `target` has another shape
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { constant, squaredErrorLoss } from '@bkfac/nn';
 * console.log(squaredErrorLoss(constant(fromRows([[3]])), fromRows([[1]])).value.get(0, 0)); // 2
 * ```
 * @category Operations
 */
export function squaredErrorLoss(y: Tensor, target: Matrix): Tensor {
  const [n, c] = y.value.shape as [number, number];
  assertNonEmpty('squaredErrorLoss', 'y', n, c);
  assertShape('squaredErrorLoss', 'target', target, [n, c]);
  const diff = zipEntries(y.value, target, (a, b) => a - b);
  let loss = 0;
  for (const v of diff.data) loss += v * v;
  const value = fromArray(new Float64Array([loss / (2 * n)]), [1, 1]);
  return opResult(value, [y], (out, ctx) => {
    if (!wantsGrad(y, ctx)) return;
    const scale = out.grad!.get(0, 0) / n;
    const g = zeros(n, c);
    for (let i = 0; i < n * c; i++) g.data[i] = diff.data[i]! * scale;
    accumulateGrad(y, g);
  });
}
