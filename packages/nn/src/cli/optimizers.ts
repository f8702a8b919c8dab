/**
 * The optimizers of `bkfac train` with the protocol's hyper-parameters.
 * @module
 */
import type { KFactorsConfig, StrategyName } from '@bkfac/kfactors';
import { adam } from '../optim/adam.js';
import type { KfacTiming } from '../optim/kfac.js';
import { kfacOptimizer } from '../optim/kfac.js';
import { paperFactorConfig, paperLearningRate } from '../optim/paper.js';
import { sgd } from '../optim/sgd.js';
import type { Optimizer } from '../optim/types.js';
import type { ExperimentConfig, OptimizerName } from './config.js';
import type { TaskName } from './task.js';

/**
 * The K-factor configuration of a run: the scripts' settings at the
 * experiment's rank, with an exact dense average when inversion errors are probed.
 * @internal
 */
export function factorConfig(
  strategy: StrategyName,
  config: ExperimentConfig,
): Omit<KFactorsConfig, 'strategy'> {
  return { ...paperFactorConfig(strategy, config.rank), exactAverage: config.inversionError };
}

/**
 * Per task, the settings every run of an experiment uses. Classification: the
 * MNIST MLP protocol (the K-FAC family with the scripts' schedule). Autoencoder:
 * provisional values from 150-step probes on this network (SGD lr 0.01 and 0.03
 * stayed on the mean-image plateau, 0.003 left it; Adam 1e-3 beat 3e-4; the K-FAC
 * family at constant lr 0.1 beat 0.3); not a tuned comparison.
 */
const SETTINGS: Readonly<
  Record<
    TaskName,
    {
      sgd: { learningRate: number; momentum: number };
      adam: { learningRate: number };
      kfac: { learningRate: 'paper' | number; weightDecay: number };
    }
  >
> = {
  classification: {
    sgd: { learningRate: 0.03, momentum: 0.9 },
    adam: { learningRate: 3e-4 },
    kfac: { learningRate: 'paper', weightDecay: 7e-4 },
  },
  autoencoder: {
    sgd: { learningRate: 0.003, momentum: 0.9 },
    adam: { learningRate: 1e-3 },
    kfac: { learningRate: 0.1, weightDecay: 1e-5 },
  },
};

/** Human-readable hyper-parameters of each optimizer, for the report (from {@link SETTINGS}). @internal */
export function describeOptimizer(name: OptimizerName, config: ExperimentConfig): string {
  const settings = SETTINGS[config.task];
  if (name === 'sgd')
    return `SGD, lr ${settings.sgd.learningRate}, momentum ${settings.sgd.momentum}`;
  if (name === 'adam') return `Adam, lr ${settings.adam.learningRate}`;
  const p = factorConfig(name, config).periods!;
  const brand = name.startsWith('b-') ? `, T_brand ${p.brand}` : '';
  const overwrite = name === 'b-r-kfac' || name === 'b-kfac-c' ? `, T_rsvd ${p.overwrite}` : '';
  const correction = name === 'b-kfac-c' ? `, T_corr ${p.correction}, φ 0.2` : '';
  const lr =
    settings.kfac.learningRate === 'paper'
      ? `lr exp(0.3, R 9, P 80) auto-scaled to batch ${config.batchSize}`
      : `lr ${settings.kfac.learningRate}`;
  return (
    `${lr}, ρ 0.95, κ 0.07, wd ${settings.kfac.weightDecay}, ` +
    `${name === 'kfac' ? 'full EVD' : `rank ${config.rank} (o 10, p 3)`}, T_updt ${p.update}, T_inv ${p.inverse}${brand}${overwrite}${correction}`
  );
}

/**
 * A fresh optimizer for one run.
 * @internal
 */
export function buildOptimizer(
  name: OptimizerName,
  config: ExperimentConfig,
  layers: readonly string[],
  seed: number,
  profile: (timing: KfacTiming) => void,
): Optimizer<unknown> {
  const settings = SETTINGS[config.task];
  if (name === 'sgd') return sgd(settings.sgd) as Optimizer<unknown>;
  if (name === 'adam') return adam(settings.adam) as Optimizer<unknown>;
  const { learningRate, weightDecay } = settings.kfac;
  return kfacOptimizer(name, {
    layers,
    learningRate: learningRate === 'paper' ? paperLearningRate(config.batchSize) : learningRate,
    momentum: 0,
    weightDecay,
    factors: factorConfig(name, config),
    seed,
    profile,
  }) as Optimizer<unknown>;
}
