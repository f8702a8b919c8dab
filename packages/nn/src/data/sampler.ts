/**
 * Seeded shuffling and mini-batch index streams whose state can be saved and
 * restored exactly.
 * @module
 */
import type { Rng, RngState } from '@bkfac/linalg';
import { InvalidArgumentError, createRng } from '@bkfac/linalg';
import { assertInteger } from '@bkfac/linalg/validate';

/**
 * Shuffles `array` in place with Fisher–Yates (`n − 1` draws of `rng.int`).
 *
 * @param array - values to permute, modified
 * @param rng - generator
 * @returns `array`
 * @example
 * ```ts
 * import { createRng } from '@bkfac/linalg';
 * import { shuffleInPlace } from '@bkfac/nn';
 * console.log(shuffleInPlace([1, 2, 3], createRng(1)).sort()); // [1, 2, 3]
 * ```
 * @category Data
 */
export function shuffleInPlace<T extends number[] | Uint32Array | Int32Array | Float64Array>(
  array: T,
  rng: Rng,
): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = array[i]!;
    array[i] = array[j]!;
    array[j] = t;
  }
  return array;
}

/**
 * Saved position of a {@link BatchSampler}: restore it to continue the same stream.
 * @category Data
 */
export interface SamplerState {
  /** Number of examples. */
  readonly size: number;
  /** Batch size. */
  readonly batchSize: number;
  /** Whether examples are reshuffled every epoch. */
  readonly shuffle: boolean;
  /** Whether the last incomplete batch of an epoch is skipped. */
  readonly dropLast: boolean;
  /** Current 0-based epoch. */
  readonly epoch: number;
  /** Index of the next batch within the epoch. */
  readonly batch: number;
  /** Example order of the current epoch. */
  readonly order: Uint32Array;
  /** Generator state after drawing the current order. */
  readonly rng: RngState;
}

/**
 * Options of {@link BatchSampler}.
 * @category Data
 */
export interface SamplerOptions {
  /** Examples per batch (the last batch of an epoch may be smaller unless `dropLast`). */
  batchSize: number;
  /** Seed of the shuffling generator (default `0`). */
  seed?: number;
  /** Reshuffle every epoch (default `true`). */
  shuffle?: boolean;
  /** Skip the last incomplete batch of each epoch (default `false`). */
  dropLast?: boolean;
}

/**
 * One mini-batch of example indices.
 * @category Data
 */
export interface IndexBatch {
  /** 0-based epoch the batch belongs to. */
  readonly epoch: number;
  /** 0-based index of the batch within its epoch. */
  readonly batch: number;
  /** Example indices (a view, valid until the next call). */
  readonly indices: Uint32Array;
  /** Whether this is the epoch's last batch. */
  readonly lastOfEpoch: boolean;
}

/**
 * An endless stream of mini-batch index sets: each epoch visits every example
 * once, in a fresh seeded random order.
 *
 * @example
 * ```ts
 * import { BatchSampler } from '@bkfac/nn';
 * const s = new BatchSampler(5, { batchSize: 2, seed: 1 });
 * console.log([s.next(), s.next(), s.next()].map((b) => b.indices.length)); // [2, 2, 1]
 * ```
 * @category Data
 */
export class BatchSampler {
  /** Batches per epoch. */
  readonly batchesPerEpoch: number;
  private readonly size: number;
  private readonly batchSize: number;
  private readonly shuffle: boolean;
  private readonly dropLast: boolean;
  private readonly rng: Rng;
  private order: Uint32Array;
  private epoch: number;
  private batch: number;

  /**
   * @param size - number of examples `N >= 1`, or a saved {@link SamplerState}
   * @param options - batch size, seed, shuffling and last-batch policy (ignored when restoring)
   * @throws {@link @bkfac/linalg!InvalidArgumentError} on a bad size or batch size, or a `dropLast` sampler with `batchSize > N`
   */
  constructor(size: number | SamplerState, options?: SamplerOptions) {
    if (typeof size === 'object' && size !== null) {
      this.size = size.size;
      this.batchSize = size.batchSize;
      this.shuffle = size.shuffle;
      this.dropLast = size.dropLast;
      this.epoch = size.epoch;
      this.batch = size.batch;
      this.order = Uint32Array.from(size.order);
      this.rng = createRng(size.rng);
    } else {
      const fn = 'BatchSampler';
      this.size = assertInteger(fn, 'size', size, 1);
      this.batchSize = assertInteger(fn, 'options.batchSize', options?.batchSize, 1);
      this.shuffle = options?.shuffle ?? true;
      this.dropLast = options?.dropLast ?? false;
      if (this.dropLast && this.batchSize > this.size) {
        throw new InvalidArgumentError(
          fn,
          'options.batchSize',
          `at most ${this.size} with dropLast`,
          this.batchSize,
        );
      }
      this.rng = createRng(options?.seed ?? 0);
      this.epoch = 0;
      this.batch = 0;
      this.order = this.drawOrder();
    }
    this.batchesPerEpoch = this.dropLast
      ? Math.floor(this.size / this.batchSize)
      : Math.ceil(this.size / this.batchSize);
  }

  /**
   * The next batch; after an epoch's last batch a new order is drawn.
   *
   * @returns epoch, batch index and example indices
   */
  next(): IndexBatch {
    if (this.batch >= this.batchesPerEpoch) {
      this.epoch++;
      this.batch = 0;
      this.order = this.drawOrder();
    }
    const start = this.batch * this.batchSize;
    const indices = this.order.subarray(start, Math.min(start + this.batchSize, this.size));
    const out = {
      epoch: this.epoch,
      batch: this.batch,
      indices,
      lastOfEpoch: this.batch === this.batchesPerEpoch - 1,
    };
    this.batch++;
    return out;
  }

  /**
   * Snapshot of the position; `new BatchSampler(state)` continues identically.
   *
   * @returns plain-data state
   */
  state(): SamplerState {
    return {
      size: this.size,
      batchSize: this.batchSize,
      shuffle: this.shuffle,
      dropLast: this.dropLast,
      epoch: this.epoch,
      batch: this.batch,
      order: this.order.slice(),
      rng: this.rng.state(),
    };
  }

  private drawOrder(): Uint32Array {
    const order = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) order[i] = i;
    return this.shuffle ? shuffleInPlace(order, this.rng) : order;
  }
}
