/**
 * Experiment configuration of `bkfac train`: the presets and the optimizer
 * names the CLI knows.
 * @module
 */
import type { StrategyName } from '@bkfac/kfactors';
import { STRATEGIES } from '@bkfac/kfactors';
import type { TaskName } from './task.js';
import type { FisherType } from '@bkfac/nn';

/**
 * The configurations `--preset` names.
 * @internal
 */
export type PresetName = 'default' | 'mnist-mlp' | 'mnist-autoencoder';

/**
 * Optimizers the CLI can train with.
 * @internal
 */
export type OptimizerName = 'sgd' | 'adam' | StrategyName;

/** @internal */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'adam', ...STRATEGIES];

/**
 * Everything that defines an experiment (stored in checkpoints and results).
 * @internal
 */
export interface ExperimentConfig {
  /** Preset the configuration started from. */
  readonly preset: PresetName;
  /** What is learned and how runs are judged (see `task.ts`). */
  readonly task: TaskName;
  /** Optimizers, in run order. */
  readonly optimizers: readonly OptimizerName[];
  /** Seeds, one run per optimizer and seed. */
  readonly seeds: readonly number[];
  /**
   * Hidden widths: of the MLP (input 784, output 10), or of the autoencoder's encoder
   * after the input (the last is the code; the decoder mirrors them).
   */
  readonly hidden: readonly number[];
  /** Mini-batch size. */
  readonly batchSize: number;
  /** Target rank of the K-FAC family's factors. */
  readonly rank: number;
  /** Maximum epochs per run. */
  readonly epochs: number;
  /** Values of the task's metric to time, easiest first; a run stops once it reaches the last one. */
  readonly targets: readonly number[];
  /** Training examples used (first `trainLimit` of the 60,000), or `null` for all. */
  readonly trainLimit: number | null;
  /** Test examples used (first `testLimit` of the 10,000), or `null` for all. */
  readonly testLimit: number | null;
  /** Training-time budget per run in seconds, or `null` for none. */
  readonly timeLimit: number | null;
  /** Evaluation period as a fraction of an epoch. */
  readonly evalEvery: number;
  /** Fisher of the K-factor statistics. */
  readonly fisher: FisherType;
  /** Measure the inversion error of each low-rank strategy at evaluations. */
  readonly inversionError: boolean;
  /** `--set` values per optimizer, e.g. `{ sgd: { lr: 0.01 } }` (see `SETTABLE` in optimizers.ts). */
  readonly overrides: Readonly<Partial<Record<OptimizerName, Readonly<Record<string, number>>>>>;
}

/**
 * The plain `npm run train`: about five minutes on two cores. A 784-256-256-10
 * MLP on a 12,000-digit training subset and 5,000 test digits, 30 s of training
 * per optimizer; rank 64 + batch 64 < 256 makes the hidden factors Brand-updated (LL).
 * @internal
 */
export const DEFAULT_CONFIG: ExperimentConfig = {
  preset: 'default',
  task: 'classification',
  optimizers: ['sgd', 'adam', 'kfac', 'rs-kfac', 'b-kfac', 'b-r-kfac'],
  seeds: [1],
  hidden: [256, 256],
  batchSize: 64,
  rank: 64,
  epochs: 10,
  targets: [0.95, 0.97],
  trainLimit: 12000,
  testLimit: 5000,
  timeLimit: 30,
  evalEvery: 0.25,
  fisher: 'empirical',
  inversionError: true,
  overrides: {},
};

/**
 * The fixed `--preset mnist-mlp` protocol, comparable with PyTorch runs: MLP
 * 784-512-512-10 (ReLU), batch 128, full MNIST, test accuracy every 1/4 epoch,
 * stop at 98 % or 10 epochs, seeds 1-3, fixed rank 220 (220 + 128 < 512).
 * @internal
 */
export const MNIST_MLP_PRESET: ExperimentConfig = {
  preset: 'mnist-mlp',
  task: 'classification',
  optimizers: OPTIMIZER_NAMES,
  seeds: [1, 2, 3],
  hidden: [512, 512],
  batchSize: 128,
  rank: 220,
  epochs: 10,
  targets: [0.97, 0.98],
  trainLimit: null,
  testLimit: null,
  timeLimit: null,
  evalEvery: 0.25,
  fisher: 'empirical',
  inversionError: true,
  overrides: {},
};

/**
 * The `--preset mnist-autoencoder` protocol: the deep autoencoder
 * 784-1000-500-250-30-250-500-1000-784 (logistic units, linear code layer,
 * sparse initialisation, Bernoulli cross-entropy), batch 128, all 60,000 training
 * digits, the true Fisher; the training reconstruction error (squared error per
 * image, on the first 10,000 training digits) every 1/4 epoch, timed to 8 and 5.8;
 * stop at 5.8 or 10 epochs; seeds 1-3; rank 220 (220 + 128 < 500).
 * @internal
 */
export const MNIST_AUTOENCODER_PRESET: ExperimentConfig = {
  preset: 'mnist-autoencoder',
  task: 'autoencoder',
  optimizers: ['sgd', 'adam', 'kfac', 'rs-kfac', 'b-kfac', 'b-r-kfac'],
  seeds: [1, 2, 3],
  hidden: [1000, 500, 250, 30],
  batchSize: 128,
  rank: 220,
  epochs: 10,
  targets: [8, 5.8],
  trainLimit: null,
  testLimit: null,
  timeLimit: null,
  evalEvery: 0.25,
  fisher: 'true',
  inversionError: true,
  overrides: {},
};

/** The preset of each name. @internal */
export const PRESETS: Readonly<Record<PresetName, ExperimentConfig>> = {
  default: DEFAULT_CONFIG,
  'mnist-mlp': MNIST_MLP_PRESET,
  'mnist-autoencoder': MNIST_AUTOENCODER_PRESET,
};

/** Training digits the autoencoder's reconstruction error is measured on (the first ones). @internal */
export const EVALUATION_DIGITS = 10000;
