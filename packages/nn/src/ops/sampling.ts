/**
 * Targets drawn from the model's own predictive distribution, for the true
 * (sampled-label) Fisher statistics of the K-factors.
 * @module
 */
import type { Matrix, Rng } from '@bkfac/linalg';
import { zeros } from '@bkfac/linalg';
import { softmax } from './losses.js';
import { logistic } from './activations.js';

/**
 * Draws `ŷ_i ~ Categorical(softmax(z_i))` for each row of the logits.
 *
 * @param logits - `n x c` scores
 * @param rng - generator (advanced by `n` uniforms)
 * @returns `n` sampled classes
 * @example
 * ```ts
 * import { createRng, fromRows } from '@bkfac/linalg';
 * import { sampleLabels } from '@bkfac/nn';
 * console.log(sampleLabels(fromRows([[0, 1000]]), createRng(1))); // [1]
 * ```
 * @category Operations
 */
export function sampleLabels(logits: Matrix, rng: Rng): Int32Array {
  const [n, c] = logits.shape as [number, number];
  const p = softmax(logits).data;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    let k = 0;
    let cum = p[i * c]!;
    // Rounding can leave the cumulative sum just below u: fall back to the last class.
    while (cum <= u && k < c - 1) cum += p[i * c + ++k]!;
    out[i] = k;
  }
  return out;
}

/**
 * Draws `t_i ~ N(y_i, I)`, the predictive distribution of the squared-error loss.
 *
 * @param outputs - `n x c` predictions (any strides)
 * @param rng - generator (advanced by `n·c` normals)
 * @returns fresh `n x c` targets
 * @example
 * ```ts
 * import { createRng, zeros } from '@bkfac/linalg';
 * import { sampleTargets } from '@bkfac/nn';
 * console.log(sampleTargets(zeros(2, 3), createRng(1)).shape); // [2, 3]
 * ```
 * @category Operations
 */
export function sampleTargets(outputs: Matrix, rng: Rng): Matrix {
  const [n, c] = outputs.shape as [number, number];
  const out = zeros(n, c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) out.data[i * c + j] = outputs.get(i, j) + rng.normal();
  }
  return out;
}

/**
 * Draws `t_ij ~ Bernoulli(σ(z_ij))`, the predictive distribution of
 * {@link bernoulliCrossEntropy}, for the true-Fisher statistics.
 *
 * @param logits - `n x c` scores (any strides)
 * @param rng - generator (advanced by `n·c` uniforms)
 * @returns fresh `n x c` targets of 0 and 1
 * @example
 * ```ts
 * import { createRng, fromRows, toRows } from '@bkfac/linalg';
 * import { sampleBernoulli } from '@bkfac/nn';
 * console.log(toRows(sampleBernoulli(fromRows([[-800, 800]]), createRng(1)))); // [[0, 1]]
 * ```
 * @category Operations
 */
export function sampleBernoulli(logits: Matrix, rng: Rng): Matrix {
  const [n, c] = logits.shape as [number, number];
  const out = zeros(n, c);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++)
      out.data[i * c + j] = rng.next() < logistic(logits.get(i, j)) ? 1 : 0;
  }
  return out;
}
