/**
 * The experiment loop of `bkfac train`: every (seed, optimizer) run, with
 * periodic evaluations of the task's metric outside the timed region, stopping rules,
 * inversion-error probes and interrupt-safe checkpoints.
 * @module
 */
import { NonFiniteError } from '@bkfac/linalg';
import type { LayerState } from '@bkfac/kfactors';
import { inversionError } from '@bkfac/kfactors';
import type { ExperimentConfig } from './config.js';
import { buildOptimizer, lowRank } from './optimizers.js';
import type { RunRecord, RunStatus } from './records.js';
import { newRecord } from './records.js';
import { TASKS, reaches } from './task.js';
import { Trainer } from '@bkfac/nn';
import type { Dataset, KfacPreconditionerState, KfacTiming, TrainerSnapshot } from '@bkfac/nn';

/** A run interrupted mid-way: enough to continue it bit for bit. @internal */
export interface PartialRun {
  /** Trainer state. */
  readonly snapshot: TrainerSnapshot<unknown>;
  /** Loss window accumulator `[sum, count]`. */
  readonly lossWindow: readonly [number, number];
  /** Training seconds at the start of the current epoch. */
  readonly epochStart: number;
}

/** The whole experiment, as saved in checkpoints. @internal */
export interface ExperimentState {
  /** Format tag. */
  readonly kind: 'bkfac-train';
  /** Format version. */
  readonly version: 1;
  /** Configuration. */
  readonly config: ExperimentConfig;
  /** Records of finished runs, then of the current one. */
  records: RunRecord[];
  /** The interrupted run, if any. */
  current: PartialRun | null;
}

/** Where a run stands in its experiment. @internal */
export interface RunPosition {
  /** 1-based index of the run. */
  readonly index: number;
  /** Runs in the experiment (optimizers × seeds). */
  readonly count: number;
}

/** Receives progress events (progress bars, log lines, or nothing). @internal */
export interface Reporter {
  /** A run starts (or resumes); it is run `position.index` (1-based) of `position.count`. */
  runStart(
    record: RunRecord,
    maxSteps: number,
    timeLimit: number | null,
    position: RunPosition,
  ): void;
  /** A step finished. */
  step(record: RunRecord, loss: number): void;
  /** A test evaluation finished. */
  evaluation(record: RunRecord): void;
  /** A run ended. */
  runEnd(record: RunRecord): void;
  /** A message for the user (e.g. that Ctrl-C was seen), shown where it is not overprinted. */
  notice(text: string): void;
}

/** Data, reporting and interruption plumbing of {@link runExperiment}. @internal */
export interface ExperimentIo {
  /** Training set. */
  readonly train: Dataset;
  /** Where the task's metric is measured (the test set, or a fixed training subset). */
  readonly evaluation: Dataset;
  /** Progress sink. */
  readonly reporter: Reporter;
  /** Set to `true` (e.g. by a SIGINT handler) to stop after the current step. */
  readonly interrupted: () => boolean;
  /** Persists the state (called after every run, on interruption and when a checkpoint is due). */
  readonly save: (state: ExperimentState) => void;
  /**
   * Asked after every step: `true` saves a checkpoint of the run in progress, so a killed
   * process loses at most the steps since (the CLI says yes once a minute). Default: never.
   */
  readonly checkpointDue?: () => boolean;
}

/** A fresh experiment state. @internal */
export function newExperiment(config: ExperimentConfig): ExperimentState {
  return { kind: 'bkfac-train', version: 1, config, records: [], current: null };
}

/**
 * Runs every pending (seed, optimizer) pair; returns when all finished or an
 * interruption was saved (then `state.current` holds the partial run).
 * @internal
 */
export async function runExperiment(
  state: ExperimentState,
  io: ExperimentIo,
): Promise<ExperimentState> {
  const { config } = state;
  const count = config.seeds.length * config.optimizers.length;
  let index = 0;
  for (const seed of config.seeds) {
    for (const name of config.optimizers) {
      index++;
      const done = state.records.find((r) => r.optimizer === name && r.seed === seed);
      if (done !== undefined && done.status !== 'running' && done.status !== 'interrupted')
        continue;
      const record = done ?? newRecord(name, seed, config.targets);
      if (done === undefined) state.records.push(record);
      record.status = 'running';
      await runOne(state, record, io, { index, count });
      if ((record.status as RunStatus) === 'interrupted') {
        io.save(state);
        return state;
      }
      state.current = null;
      io.save(state);
    }
  }
  return state;
}

async function runOne(
  state: ExperimentState,
  record: RunRecord,
  io: ExperimentIo,
  position: RunPosition,
): Promise<void> {
  const { config } = state;
  const task = TASKS[config.task];
  const model = task.model(io.train.features, io.train.classes, config.hidden);
  const layers = model.linearLayers.map((l) => l.key);
  let kfacTiming: KfacTiming = { factorsMs: 0, preconditionMs: 0 };
  const optimizer = buildOptimizer(
    record.optimizer,
    config,
    layers,
    record.seed,
    (t) => (kfacTiming = t),
  );
  const options = {
    model,
    optimizer,
    data: io.train,
    batchSize: config.batchSize,
    seed: record.seed,
    fisher: config.fisher,
    loss: task.loss,
  };
  const resumed = state.current;
  const trainer = resumed === null ? new Trainer(options) : new Trainer(options, resumed.snapshot);
  state.current = null;
  const spe = trainer.stepsPerEpoch;
  record.stepsPerEpoch = spe;
  const maxSteps = config.epochs * spe;
  const evalInterval = spe * config.evalEvery;
  const lossWindow = Math.max(1, Math.round(spe / 20));
  let [lossSum, lossCount] = resumed?.lossWindow ?? [0, 0];
  let epochStart = resumed?.epochStart ?? 0;

  /** Metric evaluation; the costlier inversion-error probes only at epoch ends and at the end of the run. */
  const measure = (final: boolean): void => {
    const result = task.evaluate(model, trainer.params, io.evaluation);
    const point = {
      step: trainer.steps,
      epoch: trainer.steps / spe,
      seconds: record.trainingSeconds,
      ...result,
    };
    record.evaluations.push(point);
    for (const t of config.targets) {
      if (record.reached[String(t)] === null && reaches(task, result.metric, t)) {
        record.reached[String(t)] = { seconds: point.seconds, epochs: point.epoch };
      }
    }
    const probeErrors = config.inversionError && (final || trainer.steps % spe === 0);
    probeFactors(record, trainer.optimizerState, probeErrors, trainer.steps);
    record.peakRssMiB = Math.max(record.peakRssMiB, process.memoryUsage().rss / 2 ** 20);
    io.reporter.evaluation(record);
  };

  io.reporter.runStart(record, maxSteps, config.timeLimit, position);
  if (record.evaluations.length === 0) measure(false);
  const highest = config.targets[config.targets.length - 1];
  const partial = (): PartialRun => ({
    snapshot: trainer.snapshot(),
    lossWindow: [lossSum, lossCount],
    epochStart,
  });
  while (record.status === 'running') {
    if (io.interrupted()) {
      record.status = 'interrupted';
      state.current = partial();
      break;
    }
    let report;
    try {
      report = trainer.step();
    } catch (e) {
      if (!(e instanceof NonFiniteError)) throw e;
      record.status = 'diverged';
      record.message = e.message;
      break;
    }
    record.steps = trainer.steps;
    record.forwardBackwardSeconds += report.forwardBackwardMs / 1000;
    record.optimizerSeconds += report.optimizerMs / 1000;
    record.trainingSeconds += (report.forwardBackwardMs + report.optimizerMs) / 1000;
    record.factorSeconds += kfacTiming.factorsMs / 1000;
    record.preconditionSeconds += kfacTiming.preconditionMs / 1000;
    kfacTiming = { factorsMs: 0, preconditionMs: 0 };
    lossSum += report.loss;
    if (++lossCount === lossWindow) {
      record.losses.push({ step: record.steps, loss: lossSum / lossCount });
      [lossSum, lossCount] = [0, 0];
    }
    if (report.lastOfEpoch) {
      record.epochSeconds.push(record.trainingSeconds - epochStart);
      epochStart = record.trainingSeconds;
    }
    io.reporter.step(record, report.loss);
    const overTime = config.timeLimit !== null && record.trainingSeconds >= config.timeLimit;
    const dueEvaluation =
      Math.floor(record.steps / evalInterval) > Math.floor((record.steps - 1) / evalInterval);
    const last = record.steps >= maxSteps || overTime;
    if (dueEvaluation || last) measure(last);
    if (highest !== undefined && record.reached[String(highest)] !== null) record.status = 'target';
    else if (record.steps >= maxSteps) record.status = 'epochs';
    else if (overTime) record.status = 'time-limit';
    if (record.status === 'running' && io.checkpointDue?.() === true) {
      // The record says 'running' and `current` holds the trainer: a resume continues from here.
      state.current = partial();
      io.save(state);
      state.current = null;
    }
    // Let signal handlers and progress timers run between steps.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  io.reporter.runEnd(record);
}

/**
 * Records the K-factors' tracking and ranks and, for low-rank strategies, the
 * inversion error of every factor against the dense damped inverse.
 */
function probeFactors(record: RunRecord, state: unknown, errors: boolean, step: number): void {
  // A K-FAC-family optimizer keeps its layers' K-factors in its preconditioner stage.
  const stage = (state as { preconditioner?: Partial<KfacPreconditionerState> } | undefined)
    ?.preconditioner;
  const layers = stage?.layers;
  if (layers === undefined) return;
  const entries = Object.entries(layers) as [string, LayerState][];
  if (record.factors.length === 0) {
    for (const [layer, s] of entries) {
      for (const f of [s.a, s.g])
        record.factors.push({ layer, side: f.side, dim: f.dim, tracking: f.tracking, ranks: [] });
    }
  }
  let i = 0;
  for (const [layer, s] of entries) {
    for (const f of [s.a, s.g]) {
      record.factors[i++]!.ranks.push(f.rank);
      if (errors && lowRank(record.optimizer) && f.average !== null && f.refreshedAt >= 0) {
        record.inversionErrors.push({
          step,
          factor: `${layer}.${f.side}`,
          error: inversionError(s, f.side),
        });
      }
    }
  }
}
