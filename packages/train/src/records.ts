/**
 * What `bkfac train` measures per run (plain data: it goes into results.json
 * and checkpoints).
 * @module
 */
import type { OptimizerName } from './config.js';

/**
 * Why a run ended (or `'running'` while it is in progress).
 * @internal
 */
export type RunStatus = 'running' | 'epochs' | 'target' | 'time-limit' | 'interrupted' | 'diverged';

/** One evaluation of the task's metric. @internal */
export interface EvaluationPoint {
  /** Steps taken. */
  readonly step: number;
  /** Epochs completed (fractional). */
  readonly epoch: number;
  /** Training seconds so far (evaluations excluded). */
  readonly seconds: number;
  /** The task's metric (test accuracy, or training reconstruction error). */
  readonly metric: number;
  /** The loss on the same examples. */
  readonly loss: number;
}

/** Time and epochs at which a target of the metric was first reached. @internal */
export interface TargetHit {
  /** Training seconds. */
  readonly seconds: number;
  /** Epochs (fractional). */
  readonly epochs: number;
}

/** A K-factor of a preconditioned layer and how its rank moved. @internal */
export interface FactorRecord {
  /** Parameter key of the layer. */
  readonly layer: string;
  /** `'A'` or `'G'`. */
  readonly side: 'A' | 'G';
  /** Factor size `d`. */
  readonly dim: number;
  /** `'brand'` (LL: Brand updates applied) or `'dense'`. */
  readonly tracking: 'brand' | 'dense';
  /** Rank at each evaluation. */
  readonly ranks: number[];
}

/** Inversion error of one factor at one evaluation. @internal */
export interface InversionErrorPoint {
  /** Steps taken. */
  readonly step: number;
  /** Layer key and side, e.g. `linear0.A`. */
  readonly factor: string;
  /** Relative spectral error of the strategy's damped inverse vs the dense one. */
  readonly error: number;
}

/** Everything measured in one (optimizer, seed) run. @internal */
export interface RunRecord {
  /** Optimizer. */
  readonly optimizer: OptimizerName;
  /** Seed. */
  readonly seed: number;
  /** Status. */
  status: RunStatus;
  /** Batches per epoch. */
  stepsPerEpoch: number;
  /** Steps taken. */
  steps: number;
  /** Training seconds (forward, backward, optimizer; evaluations excluded). */
  trainingSeconds: number;
  /** Seconds in batch gathering, forward and backward. */
  forwardBackwardSeconds: number;
  /** Seconds in the optimizer (K-factor work included). */
  optimizerSeconds: number;
  /** Seconds in K-factor updates (K-FAC family). */
  factorSeconds: number;
  /** Seconds in preconditioning and clipping (K-FAC family). */
  preconditionSeconds: number;
  /** Training seconds of each completed epoch. */
  epochSeconds: number[];
  /** Evaluations of the metric. */
  evaluations: EvaluationPoint[];
  /** Mean training loss of consecutive windows of steps, at the window's last step. */
  losses: { step: number; loss: number }[];
  /** First hit of each target (`null` when missed), keyed by the target. */
  reached: Record<string, TargetHit | null>;
  /** Peak resident memory in MiB. */
  peakRssMiB: number;
  /** K-factors (K-FAC family). */
  factors: FactorRecord[];
  /** Inversion errors (low-rank strategies). */
  inversionErrors: InversionErrorPoint[];
  /** Error message when diverged. */
  message: string | null;
}

/** Epochs a run has trained (fractional). @internal */
export function epochsTrained(record: RunRecord): number {
  return record.steps / Math.max(record.stepsPerEpoch, 1);
}

/** A fresh record. @internal */
export function newRecord(
  optimizer: OptimizerName,
  seed: number,
  targets: readonly number[],
): RunRecord {
  return {
    optimizer,
    seed,
    status: 'running',
    stepsPerEpoch: 0,
    steps: 0,
    trainingSeconds: 0,
    forwardBackwardSeconds: 0,
    optimizerSeconds: 0,
    factorSeconds: 0,
    preconditionSeconds: 0,
    epochSeconds: [],
    evaluations: [],
    losses: [],
    reached: Object.fromEntries(targets.map((t) => [String(t), null])),
    peakRssMiB: 0,
    factors: [],
    inversionErrors: [],
    message: null,
  };
}
