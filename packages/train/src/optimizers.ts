/**
 * The optimizers of `bkfac train` with the protocol's hyper-parameters.
 * @module
 */
import {
  resolveConfig,
  scheduleValue,
  STRATEGIES,
  strategyPeriods,
  strategySpec,
} from '@bkfac/kfactors';
import type { KFactorsConfig, NormalizedSchedule, StrategyName } from '@bkfac/kfactors';
import type { ExperimentConfig, OptimizerName } from './config.js';
import type { TaskName } from './task.js';
import { adam, kfacOptimizer, paperFactorConfig, paperLearningRate, sgd } from '@bkfac/nn';
import type { KfacTiming, Optimizer } from '@bkfac/nn';

/**
 * Keys `--set <optimizer>.<key>=<value>` accepts, per kind of optimizer:
 * learning rate and momentum, weight decay, damping `λ` (a constant replacing the
 * reference schedule), clip `κ`, EA decay `ρ` and the factor periods.
 * @internal
 */
export const SETTABLE = {
  sgd: ['lr', 'momentum'],
  adam: ['lr'],
  kfac: [
    'lr',
    'weightDecay',
    'damping',
    'clip',
    'decay',
    'update',
    'inverse',
    'brand',
    'overwrite',
    'correction',
  ],
} as const;

/** Which {@link SETTABLE} list an optimizer reads. @internal */
export function settableKeys(name: OptimizerName): readonly string[] {
  return name === 'sgd' || name === 'adam' ? SETTABLE[name] : SETTABLE.kfac;
}

/**
 * Per task, the settings every run of an experiment uses unless `--set` changes
 * them. Classification: the MNIST MLP protocol (the K-FAC family with the scripts'
 * schedule). Autoencoder: provisional values from 150-step probes on this network
 * (SGD lr 0.01 and 0.03 stayed on the mean-image plateau, 0.003 left it; Adam 1e-3
 * beat 3e-4; the K-FAC family at constant lr 0.1 beat 0.3); not a tuned comparison.
 */
const SETTINGS: Readonly<
  Record<
    TaskName,
    {
      sgd: { lr: number; momentum: number };
      adam: { lr: number };
      kfac: { lr: 'paper' | number; weightDecay: number };
    }
  >
> = {
  classification: {
    sgd: { lr: 0.03, momentum: 0.9 },
    adam: { lr: 3e-4 },
    kfac: { lr: 'paper', weightDecay: 7e-4 },
  },
  autoencoder: {
    sgd: { lr: 0.003, momentum: 0.9 },
    adam: { lr: 1e-3 },
    kfac: { lr: 0.1, weightDecay: 1e-5 },
  },
};

/** The `--set` values of one optimizer (empty when none). */
function overridesOf(
  name: OptimizerName,
  config: ExperimentConfig,
): Readonly<Record<string, number | undefined>> {
  return config.overrides[name] ?? {};
}

/**
 * The K-factor configuration of a run: the scripts' settings at the
 * experiment's rank, with an exact dense average when inversion errors are probed,
 * and the run's `--set` values.
 * @internal
 */
export function factorConfig(
  strategy: StrategyName,
  config: ExperimentConfig,
): Omit<KFactorsConfig, 'strategy'> {
  const base = paperFactorConfig(strategy, config.rank);
  const o = overridesOf(strategy, config);
  const periods = { ...base.periods! };
  for (const key of ['update', 'inverse', 'brand', 'overwrite', 'correction'] as const) {
    if (o[key] !== undefined) periods[key] = o[key];
  }
  return {
    ...base,
    periods,
    ...(o['damping'] === undefined ? {} : { damping: o['damping'] }),
    ...(o['clip'] === undefined ? {} : { clip: o['clip'] }),
    ...(o['decay'] === undefined ? {} : { decay: o['decay'] }),
    exactAverage: config.inversionError,
  };
}

/** The optimizer-level settings of a run: the task's, then its `--set` values. */
function runSettings(name: OptimizerName, config: ExperimentConfig) {
  const task = SETTINGS[config.task];
  const o = overridesOf(name, config);
  return {
    sgd: { lr: o['lr'] ?? task.sgd.lr, momentum: o['momentum'] ?? task.sgd.momentum },
    adam: { lr: o['lr'] ?? task.adam.lr },
    kfac: { lr: o['lr'] ?? task.kfac.lr, weightDecay: o['weightDecay'] ?? task.kfac.weightDecay },
  };
}

/** The papers' symbols of the periods, for the report. */
const PERIOD_SYMBOLS = {
  update: 'T_updt',
  inverse: 'T_inv',
  brand: 'T_brand',
  overwrite: 'T_rsvd',
  correction: 'T_corr',
} as const;

/**
 * Whether an optimizer is a K-FAC-family strategy that truncates its factors to a rank (every
 * one but a full-EVD, non-Brand strategy such as `kfac`), so ranks and inversion errors mean something.
 * @internal
 */
export function lowRank(name: OptimizerName): boolean {
  if (!STRATEGIES.includes(name as StrategyName)) return false;
  const spec = strategySpec(name);
  return spec.brand || spec.denseRefresh !== 'evd';
}

/**
 * Whether an optimizer is a Brand-tracking strategy (the B family).
 * @internal
 */
export function brandFamily(name: OptimizerName): boolean {
  return STRATEGIES.includes(name as StrategyName) && strategySpec(name).brand;
}

/** Human-readable hyper-parameters of each optimizer, for the report (from the settings in use). @internal */
export function describeOptimizer(name: OptimizerName, config: ExperimentConfig): string {
  const settings = runSettings(name, config);
  if (name === 'sgd') return `SGD, lr ${settings.sgd.lr}, momentum ${settings.sgd.momentum}`;
  if (name === 'adam') return `Adam, lr ${settings.adam.lr}`;
  const f = factorConfig(name, config);
  const spec = strategySpec(name);
  const r = resolveConfig({ ...f, strategy: name });
  const first = (s: NormalizedSchedule): number => scheduleValue(s, 0);
  const periods = strategyPeriods(spec)
    .map((key) => `${PERIOD_SYMBOLS[key]} ${first(r.periods[key])}`)
    .join(', ');
  const rank = lowRank(name)
    ? `rank ${first(r.rank)} (o ${first(r.oversample)}, p ${r.powerIterations})`
    : 'full EVD';
  const correction = spec.correction ? `, φ ${r.correctionFraction}` : '';
  const lr =
    settings.kfac.lr === 'paper'
      ? `lr exp(0.3, R 9, P 80) auto-scaled to batch ${config.batchSize}`
      : `lr ${settings.kfac.lr}`;
  const damping = f.damping === undefined ? 'reference damping schedule' : `λ ${String(f.damping)}`;
  return (
    `${lr}, ${damping}, ρ ${r.decay}, κ ${r.clip}, wd ${settings.kfac.weightDecay}, ` +
    `${rank}, ${periods}${correction}`
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
  const settings = runSettings(name, config);
  if (name === 'sgd') {
    const { lr, momentum } = settings.sgd;
    return sgd({ learningRate: lr, momentum }) as Optimizer<unknown>;
  }
  if (name === 'adam') return adam({ learningRate: settings.adam.lr }) as Optimizer<unknown>;
  const { lr, weightDecay } = settings.kfac;
  return kfacOptimizer(name, {
    layers,
    batchSize: config.batchSize,
    learningRate: lr === 'paper' ? paperLearningRate(config.batchSize) : lr,
    momentum: 0,
    weightDecay,
    factors: factorConfig(name, config),
    seed,
    profile,
  }) as Optimizer<unknown>;
}
