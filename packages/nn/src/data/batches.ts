/**
 * Mini-batch iteration: sampler indices gathered into reused float64 buffers.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { zeros } from '@bkfac/linalg';
import { assertInteger } from '@bkfac/linalg/validate';
import type { Dataset } from './dataset.js';
import type { SamplerOptions } from './sampler.js';
import { BatchSampler } from './sampler.js';

/**
 * A mini-batch of inputs and labels.
 * @category Data
 */
export interface LabelledBatch {
  /** `k x d` inputs (a view into a reused buffer, valid until the next batch). */
  readonly x: Matrix;
  /** `k` labels (a view into a reused buffer). */
  readonly labels: Int32Array;
}

/**
 * Reusable `batchSize x d` input and label buffers for one dataset.
 * @internal
 */
export class BatchBuffer {
  private readonly x: Matrix;
  private readonly labels: Int32Array;

  constructor(
    private readonly dataset: Dataset,
    capacity: number,
  ) {
    this.x = zeros(capacity, dataset.features);
    this.labels = new Int32Array(capacity);
  }

  /** Gathers `indices` into the buffers; returns views of the first `indices.length` rows. */
  fill(indices: ArrayLike<number>): LabelledBatch {
    const k = indices.length;
    this.dataset.gather(indices, this.x, this.labels);
    return { x: this.x.hi(k, this.dataset.features), labels: this.labels.subarray(0, k) };
  }
}

/**
 * Options of {@link batches}: a sampler configuration plus the number of epochs.
 * @category Data
 */
export interface BatchesOptions extends SamplerOptions {
  /** Epochs to iterate (default `1`). */
  epochs?: number;
}

/**
 * Iterates over `epochs` shuffled passes of `dataset` in mini-batches.
 *
 * @param dataset - source of examples
 * @param options - batch size, seed, shuffling, last-batch policy, epochs
 * @returns a generator of batches (buffers are reused: copy what you keep)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on a bad batch size or epoch count
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { arrayDataset, batches } from '@bkfac/nn';
 * const ds = arrayDataset(fromRows([[1], [2], [3]]), [0, 1, 0], 2);
 * console.log([...batches(ds, { batchSize: 2, seed: 1 })].length); // 2
 * ```
 * @category Data
 */
export function* batches(dataset: Dataset, options: BatchesOptions): Generator<LabelledBatch> {
  const epochs = assertInteger('batches', 'options.epochs', options.epochs ?? 1, 0);
  const sampler = new BatchSampler(dataset.size, options);
  const buffer = new BatchBuffer(dataset, options.batchSize);
  for (let i = 0; i < epochs * sampler.batchesPerEpoch; i++)
    yield buffer.fill(sampler.next().indices);
}
