/**
 * The training loop's step: sample a batch, forward/backward (capturing the
 * K-factor statistics on due steps), optimizer update — with a plain-data
 * snapshot that resumes bit-identically.
 * @module
 */
import type { Matrix, Rng, RngState } from '@bkfac/linalg';
import { InvalidArgumentError, createRng } from '@bkfac/linalg';
import { assertFinite, assertInteger } from '@bkfac/linalg/validate';
import { clonePlain } from '../checkpoint/plain.js';
import type { Dataset } from '../data/dataset.js';
import { BatchBuffer } from '../data/batches.js';
import type { SamplerState } from '../data/sampler.js';
import { BatchSampler } from '../data/sampler.js';
import type { Params } from '../model/params.js';
import {
  applyUpdatesInPlace,
  assertSameStructure,
  cloneParams,
  zerosLike,
} from '../model/params.js';
import type { FisherType, LossKind, Sequential } from '../model/sequential.js';
import { assertLossKind } from '../model/sequential.js';
import type { Optimizer } from '../optim/types.js';

/**
 * Configuration of a {@link Trainer}.
 * @category Training
 */
export interface TrainerOptions<S> {
  /** The network. */
  readonly model: Sequential;
  /** The optimizer. */
  readonly optimizer: Optimizer<S>;
  /** Training examples. */
  readonly data: Dataset;
  /** Examples per step. */
  readonly batchSize: number;
  /** Seed of the initial parameters, the data order and the dropout / label-sampling stream. */
  readonly seed: number;
  /** Fisher used for the K-factor statistics (default `'empirical'`). */
  readonly fisher?: FisherType;
  /**
   * Loss (default `'cross-entropy'` on the labels). `'bernoulli'` and `'squared-error'`
   * train an autoencoder: each example's target is its own input (the model's output width
   * must then equal the data's feature count).
   */
  readonly loss?: LossKind;
}

/**
 * Plain-data state of a {@link Trainer}: save it with {@link saveCheckpoint}.
 * @category Training
 */
export interface TrainerSnapshot<S = unknown> {
  /** Format version. */
  readonly version: 1;
  /** Name of the optimizer the state belongs to. */
  readonly optimizer: string;
  /** Steps taken. */
  readonly step: number;
  /** Parameters. */
  readonly params: Record<string, Matrix>;
  /** Optimizer state. */
  readonly optimizerState: S;
  /** Position in the data stream. */
  readonly sampler: SamplerState;
  /** Dropout / label-sampling generator. */
  readonly rng: RngState;
}

/**
 * What one {@link Trainer.step} did.
 * @category Training
 */
export interface StepReport {
  /** Index of the step (0-based). */
  readonly step: number;
  /** 0-based epoch of the batch. */
  readonly epoch: number;
  /** Whether the batch was the last of its epoch. */
  readonly lastOfEpoch: boolean;
  /** Batch-mean training loss before the update. */
  readonly loss: number;
  /** Whether K-factor statistics were due (and captured) this step. */
  readonly curvature: boolean;
  /** Milliseconds spent gathering the batch and in forward + backward. */
  readonly forwardBackwardMs: number;
  /** Milliseconds spent in the optimizer (K-factor work included) and applying the update. */
  readonly optimizerMs: number;
}

/**
 * Runs training steps of `model` with `optimizer` on `data`. Everything random
 * is seeded, and {@link Trainer.snapshot} captures the whole state, so a
 * trainer rebuilt from a snapshot continues bit for bit.
 *
 * @typeParam S - optimizer state type
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { Trainer, arrayDataset, mlp, sgd } from '@bkfac/nn';
 * const data = arrayDataset(fromRows([[1], [-1]]), [0, 1], 2);
 * const trainer = new Trainer({ model: mlp({ sizes: [1, 2] }), optimizer: sgd({ learningRate: 0.5 }), data, batchSize: 2, seed: 1 });
 * const first = trainer.step().loss;
 * for (let i = 0; i < 20; i++) trainer.step();
 * console.log(trainer.step().loss < first); // true
 * ```
 * @category Training
 */
export class Trainer<S = unknown> {
  /** Current parameters (updated in place by every step). */
  readonly params: Record<string, Matrix>;
  /** Current optimizer state (advanced in place). */
  readonly optimizerState: S;
  /** Batches per epoch. */
  readonly stepsPerEpoch: number;
  private readonly options: TrainerOptions<S>;
  private readonly sampler: BatchSampler;
  private readonly rng: Rng;
  private readonly buffer: BatchBuffer;
  private readonly updates: Record<string, Matrix>;
  private stepCount: number;

  /**
   * @param options - model, optimizer, data, batch size, seed and Fisher type
   * @param snapshot - continue from this state instead of starting afresh
   * @throws {@link @bkfac/linalg!InvalidArgumentError} on a bad batch size or seed, a width mismatch between data and
   *   model, or a snapshot of another optimizer or data stream
   * @throws {@link @bkfac/linalg!ShapeError} if the snapshot's parameters do not fit the model
   */
  constructor(options: TrainerOptions<S>, snapshot?: TrainerSnapshot<S>) {
    const fn = 'Trainer';
    const { model, optimizer, data } = options;
    assertInteger(fn, 'options.batchSize', options.batchSize, 1);
    if (!Number.isSafeInteger(options.seed))
      throw new InvalidArgumentError(fn, 'options.seed', 'a safe integer', options.seed);
    const loss = assertLossKind(fn, 'options.loss', options.loss ?? 'cross-entropy');
    const outputs = loss === 'cross-entropy' ? data.classes : data.features;
    if (data.features !== model.inFeatures || outputs !== model.outFeatures) {
      const what = loss === 'cross-entropy' ? 'classes' : 'outputs (reconstructions)';
      throw new InvalidArgumentError(
        fn,
        'options.data',
        `${model.inFeatures} features and ${model.outFeatures} ${what}`,
        `${data.features} features and ${outputs} ${what}`,
      );
    }
    this.options = options;
    this.buffer = new BatchBuffer(data, options.batchSize);
    if (snapshot === undefined) {
      this.params = model.init(options.seed);
      this.optimizerState = optimizer.init(this.params);
      this.sampler = new BatchSampler(data.size, {
        batchSize: options.batchSize,
        seed: options.seed,
      });
      // A stream derived from the seed, independent of the sampler's.
      this.rng = createRng(createRng(options.seed).uint32() ^ 0x9e3779b9);
      this.stepCount = 0;
    } else {
      if (snapshot?.version !== 1 || snapshot.optimizer !== optimizer.name) {
        throw new InvalidArgumentError(
          fn,
          'snapshot',
          `a version-1 snapshot of optimizer '${optimizer.name}'`,
          `version ${snapshot?.version} of '${snapshot?.optimizer}'`,
        );
      }
      const expected = model.init(0);
      assertSameStructure(fn, 'snapshot.params', expected, snapshot.params);
      if (snapshot.sampler.size !== data.size || snapshot.sampler.batchSize !== options.batchSize) {
        throw new InvalidArgumentError(
          fn,
          'snapshot.sampler',
          `${data.size} examples in batches of ${options.batchSize}`,
          `${snapshot.sampler.size} in batches of ${snapshot.sampler.batchSize}`,
        );
      }
      for (const key of Object.keys(expected)) {
        assertFinite(fn, `snapshot.params.${key}`, snapshot.params[key]!);
      }
      this.params = cloneParams(snapshot.params);
      this.optimizerState = optimizer.restore(snapshot.optimizerState, this.params);
      this.sampler = new BatchSampler(snapshot.sampler);
      this.rng = createRng(snapshot.rng);
      this.stepCount = snapshot.step;
    }
    this.stepsPerEpoch = this.sampler.batchesPerEpoch;
    this.updates = zerosLike(this.params);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.stepCount;
  }

  /**
   * One optimization step on the next mini-batch.
   *
   * @returns loss, epoch and timings of the step
   * @throws {@link @bkfac/linalg!NonFiniteError} if the loss is NaN or infinite (training diverged)
   */
  step(): StepReport {
    const { model, optimizer, fisher = 'empirical', loss = 'cross-entropy' } = this.options;
    const t0 = performance.now();
    const next = this.sampler.next();
    const batch = this.buffer.fill(next.indices);
    const needs = optimizer.needsCurvature(this.optimizerState, next.epoch);
    const curvature = needs.statistics ? fisher : needs.batch ? 'empirical' : 'none';
    const examples = loss === 'cross-entropy' ? batch : { x: batch.x, targets: batch.x };
    const result = model.lossAndGradients(this.params, examples, {
      loss,
      rng: this.rng,
      curvature,
      skipGradients: needs.skipGradients,
    });
    const t1 = performance.now();
    optimizer.updateInPlace(result.gradients, this.optimizerState, this.params, this.updates, {
      epoch: next.epoch,
      curvature: result.curvature,
    });
    applyUpdatesInPlace(this.params, this.updates);
    const t2 = performance.now();
    return {
      step: this.stepCount++,
      epoch: next.epoch,
      lastOfEpoch: next.lastOfEpoch,
      loss: result.loss,
      curvature: needs.statistics,
      forwardBackwardMs: t1 - t0,
      optimizerMs: t2 - t1,
    };
  }

  /**
   * A deep, plain-data copy of the whole training state.
   *
   * @returns the snapshot
   */
  snapshot(): TrainerSnapshot<S> {
    return {
      version: 1,
      optimizer: this.options.optimizer.name,
      step: this.stepCount,
      params: cloneParams(this.params as Params),
      optimizerState: clonePlain(this.optimizerState),
      sampler: this.sampler.state(),
      rng: this.rng.state(),
    };
  }
}
