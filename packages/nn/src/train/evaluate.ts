/**
 * Loss and accuracy (or reconstruction error) of a model over a whole dataset, in chunks.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { ShapeError } from '@bkfac/linalg';
import { assertInteger } from '@bkfac/linalg/validate';
import type { Dataset } from '../data/dataset.js';
import { BatchBuffer } from '../data/batches.js';
import type { LabelledBatch } from '../data/batches.js';
import type { Params } from '../model/params.js';
import type { Sequential } from '../model/sequential.js';
import { bernoulliCrossEntropy, reconstructionError, softmaxCrossEntropy } from '../ops/losses.js';
import { constant } from '../autograd/tensor.js';

/**
 * Loss and accuracy over a dataset.
 * @category Training
 */
export interface Evaluation {
  /** Mean softmax cross-entropy. */
  readonly loss: number;
  /** Fraction of examples whose largest logit is the label's. */
  readonly accuracy: number;
}

/**
 * Mean cross-entropy and accuracy of `model` on `dataset` (dropout off),
 * `chunk` examples at a time.
 *
 * @param model - the network
 * @param params - its parameters
 * @param dataset - labelled examples
 * @param chunk - examples per forward pass (default 1000)
 * @returns loss and accuracy
 * @throws {@link @bkfac/linalg!ShapeError} if the dataset's width differs from the model's input
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `chunk` is not a positive integer
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { arrayDataset, evaluate, mlp } from '@bkfac/nn';
 * const model = mlp({ sizes: [1, 2] });
 * const r = evaluate(model, { linear0: fromRows([[1, 0], [-1, 0]]) }, arrayDataset(fromRows([[1], [-1]]), [0, 1], 2));
 * console.log(r.accuracy); // 1
 * ```
 * @category Training
 */
export function evaluate(
  model: Sequential,
  params: Params,
  dataset: Dataset,
  chunk = 1000,
): Evaluation {
  assertInteger('evaluate', 'chunk', chunk, 1);
  let loss = 0;
  let correct = 0;
  forEachChunk(model, params, dataset, chunk, (batch, logits, k) => {
    loss += k * softmaxCrossEntropy(constant(logits), batch.labels).value.get(0, 0);
    const [c, row] = [logits.shape[1]!, logits.data];
    for (let i = 0; i < k; i++) {
      let best = 0;
      for (let j = 1; j < c; j++) if (row[i * c + j]! > row[i * c + best]!) best = j;
      if (best === batch.labels[i]) correct++;
    }
  });
  return { loss: loss / dataset.size, accuracy: correct / dataset.size };
}

/**
 * Reconstruction quality of an autoencoder over a dataset.
 * @category Training
 */
export interface ReconstructionEvaluation {
  /** Mean Bernoulli cross-entropy per example (the training objective), summed over outputs. */
  readonly loss: number;
  /** Mean summed squared error per example, `‖σ(f(x)) − x‖²` ("MSE per image"). */
  readonly error: number;
}

/**
 * Bernoulli cross-entropy and squared reconstruction error of the autoencoder
 * `model` (logits out, inputs as targets) on `dataset`, `chunk` examples at a time.
 *
 * @param model - the network; its output width must equal its input width
 * @param params - its parameters
 * @param dataset - examples with entries in `[0, 1]` (labels unused)
 * @param chunk - examples per forward pass (default 1000)
 * @returns loss and error per example
 * @throws {@link @bkfac/linalg!ShapeError} if the dataset's width differs from the model's input or output
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `chunk` is not a positive integer or an entry lies outside `[0, 1]`
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { arrayDataset, evaluateReconstruction, mlp } from '@bkfac/nn';
 * const model = mlp({ sizes: [2, 2] });
 * // Zero weights reconstruct ½ everywhere: (½ − 1)² + (½ − 0)² per example.
 * const params = { linear0: fromRows([[0, 0, 0], [0, 0, 0]]) };
 * const r = evaluateReconstruction(model, params, arrayDataset(fromRows([[1, 0]]), [0], 1));
 * console.log(r.error); // 0.5
 * ```
 * @category Training
 */
export function evaluateReconstruction(
  model: Sequential,
  params: Params,
  dataset: Dataset,
  chunk = 1000,
): ReconstructionEvaluation {
  const fn = 'evaluateReconstruction';
  assertInteger(fn, 'chunk', chunk, 1);
  if (model.inFeatures !== dataset.features || model.outFeatures !== dataset.features) {
    throw new ShapeError(
      fn,
      'dataset',
      `${model.inFeatures} features, reconstructed by ${model.outFeatures} outputs`,
      `${dataset.features} features`,
    );
  }
  let loss = 0;
  let error = 0;
  forEachChunk(model, params, dataset, chunk, ({ x }, logits, k) => {
    loss += k * bernoulliCrossEntropy(constant(logits), x).value.get(0, 0);
    error += k * reconstructionError(logits, x);
  });
  return { loss: loss / dataset.size, error: error / dataset.size };
}

/** Calls `visit` with every chunk of `dataset` in order, its logits and its size (dropout off). */
function forEachChunk(
  model: Sequential,
  params: Params,
  dataset: Dataset,
  chunk: number,
  visit: (batch: LabelledBatch, logits: Matrix, size: number) => void,
): void {
  const size = Math.min(chunk, dataset.size);
  const buffer = new BatchBuffer(dataset, size);
  const indices = new Uint32Array(size);
  for (let start = 0; start < dataset.size; start += size) {
    const k = Math.min(size, dataset.size - start);
    for (let i = 0; i < k; i++) indices[i] = start + i;
    const batch = buffer.fill(indices.subarray(0, k));
    visit(batch, model.forward(params, batch.x), k);
  }
}
