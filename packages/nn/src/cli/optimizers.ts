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

/** Human-readable hyper-parameters of each optimizer, for the report. @internal */
export function describeOptimizer(name: OptimizerName, config: ExperimentConfig): string {
  if (name === 'sgd') return 'SGD, lr 0.03, momentum 0.9';
  if (name === 'adam') return 'Adam, lr 3e-4';
  const p = factorConfig(name, config).periods!;
  const brand = name.startsWith('b-') ? `, T_brand ${p.brand}` : '';
  const overwrite = name === 'b-r-kfac' || name === 'b-kfac-c' ? `, T_rsvd ${p.overwrite}` : '';
  const correction = name === 'b-kfac-c' ? `, T_corr ${p.correction}, φ 0.2` : '';
  return (
    `lr exp(0.3, R 9, P 80) auto-scaled to batch ${config.batchSize}, ρ 0.95, κ 0.07, wd 7e-4, ` +
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
  if (name === 'sgd') return sgd({ learningRate: 0.03, momentum: 0.9 }) as Optimizer<unknown>;
  if (name === 'adam') return adam({ learningRate: 3e-4 }) as Optimizer<unknown>;
  return kfacOptimizer(name, {
    layers,
    learningRate: paperLearningRate(config.batchSize),
    momentum: 0,
    weightDecay: 7e-4,
    factors: factorConfig(name, config),
    seed,
    profile,
  }) as Optimizer<unknown>;
}
