/**
 * Batch-mean losses: softmax cross-entropy, half squared error and the
 * Bernoulli (sigmoid) cross-entropy of reconstructions.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { InvalidArgumentError, fromArray, zeros } from '@bkfac/linalg';
import { assertShape } from '@bkfac/linalg/validate';
import type { Tensor } from '../autograd/tensor.js';
import { accumulateGrad, opResult, wantsGrad } from '../autograd/tensor.js';
import { zipEntries } from '../autograd/elementwise.js';
import { assertLabels, assertNonEmpty } from '../validate.js';
import { logistic } from './activations.js';

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

/**
 * Mean Bernoulli cross-entropy from logits, summed over the `c` outputs of a row:
 * `L = (1/n) Σ_ij [softplus(Z_ij) − T_ij·Z_ij]`, i.e. `−T log σ(Z) − (1 − T) log(1 − σ(Z))`
 * per entry, with `∂L/∂Z = (σ(Z) − T)/n`. Computed as `max(Z, 0) − T·Z + log1p(e^{−|Z|})`,
 * finite for every finite logit (no `log 0` when `σ` rounds to 0 or 1).
 *
 * @param logits - `n x c` scores, `n >= 1`
 * @param target - `n x c` targets in `[0, 1]` (pixel intensities, or sampled 0/1 values)
 * @returns the `1 x 1` loss
 * @throws {@link @bkfac/linalg!ShapeError} if the batch is empty or `target` has another shape
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if a target lies outside `[0, 1]`
 * @example
 * Two logits of 0 (σ = ½) cost log 2 each, whatever the target:
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { bernoulliCrossEntropy, constant } from '@bkfac/nn';
 * const loss = bernoulliCrossEntropy(constant(fromRows([[0, 0]])), fromRows([[1, 0]]));
 * console.log(loss.value.get(0, 0).toFixed(4)); // 1.3863
 * ```
 * @category Operations
 */
export function bernoulliCrossEntropy(logits: Tensor, target: Matrix): Tensor {
  const fn = 'bernoulliCrossEntropy';
  const [n, c] = logits.value.shape as [number, number];
  assertNonEmpty(fn, 'logits', n, c);
  assertShape(fn, 'target', target, [n, c]);
  const z = logits.value;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) {
      const t = target.get(i, j);
      if (!(t >= 0 && t <= 1)) {
        throw new InvalidArgumentError(fn, `target[${i}, ${j}]`, 'a number in [0, 1]', t);
      }
      const v = z.get(i, j);
      loss += Math.max(v, 0) - t * v + Math.log1p(Math.exp(-Math.abs(v)));
    }
  }
  const value = fromArray(new Float64Array([loss / n]), [1, 1]);
  return opResult(value, [logits], (out, ctx) => {
    if (!wantsGrad(logits, ctx)) return;
    const scale = out.grad!.get(0, 0) / n;
    accumulateGrad(
      logits,
      zipEntries(z, target, (v, t) => (logistic(v) - t) * scale),
    );
  });
}

/**
 * Summed squared error of reconstructions per row, averaged over rows:
 * `(1/n) Σ_i ‖σ(Z_i) − T_i‖²` for logits `Z` (the "MSE per image" of the deep
 * autoencoder literature; no gradient).
 *
 * @param logits - `n x c` scores, `n >= 1`
 * @param target - `n x c` targets
 * @returns the mean over rows of the summed squared error
 * @throws {@link @bkfac/linalg!ShapeError} if the batch is empty or `target` has another shape
 * @example
 * Logits of 0 reconstruct ½ everywhere: `(½ − 1)² + (½ − 0)²` for this image.
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { reconstructionError } from '@bkfac/nn';
 * console.log(reconstructionError(fromRows([[0, 0]]), fromRows([[1, 0]]))); // 0.5
 * ```
 * @category Operations
 */
export function reconstructionError(logits: Matrix, target: Matrix): number {
  const fn = 'reconstructionError';
  const [n, c] = logits.shape as [number, number];
  assertNonEmpty(fn, 'logits', n, c);
  assertShape(fn, 'target', target, [n, c]);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) {
      const d = logistic(logits.get(i, j)) - target.get(i, j);
      sum += d * d;
    }
  }
  return sum / n;
}
