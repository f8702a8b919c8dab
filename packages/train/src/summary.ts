/**
 * Per-optimizer summary of an experiment: the result table of `bkfac train`.
 * @module
 */
import type { ExperimentConfig, OptimizerName } from './config.js';
import type { RunRecord } from './records.js';
import { TASKS } from './task.js';

/** Mean and range of a quantity over seeds. @internal */
export interface Spread {
  /** Mean. */
  readonly mean: number;
  /** Minimum. */
  readonly min: number;
  /** Maximum. */
  readonly max: number;
}

/** Summary of one target for one optimizer. @internal */
export interface TargetSummary {
  /** The target value of the metric. */
  readonly target: number;
  /** Runs that reached it. */
  readonly reached: number;
  /** Training seconds to reach it, over the runs that did. */
  readonly seconds: Spread | null;
  /** Epochs to reach it, over the runs that did. */
  readonly epochs: Spread | null;
}

/** One row of the result table. @internal */
export interface SummaryRow {
  /** Optimizer. */
  readonly optimizer: OptimizerName;
  /** Runs (seeds). */
  readonly runs: number;
  /** Final value of the task's metric. */
  readonly finalMetric: Spread;
  /** Per target. */
  readonly targets: readonly TargetSummary[];
  /** Median training seconds per epoch (extrapolated from the step rate when no epoch completed). */
  readonly secondsPerEpoch: number;
  /** `secondsPerEpoch` divided by SGD's, or `null` without an SGD run. */
  readonly overhead: number | null;
  /** Fraction of training time in batch gathering, forward and backward. */
  readonly forwardBackwardShare: number;
  /** Fraction of training time in K-factor updates. */
  readonly factorShare: number;
  /** Fraction of training time in preconditioning. */
  readonly preconditionShare: number;
  /** Peak resident memory in MiB. */
  readonly peakRssMiB: number;
  /** Statuses of the runs, e.g. `target ×2, epochs ×1`. */
  readonly status: string;
}

function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  return {
    mean: values.reduce((a, b) => a + b, 0) / values.length,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median training seconds per epoch of a set of runs. @internal */
export function secondsPerEpoch(runs: readonly RunRecord[]): number {
  const epochs = runs.flatMap((r) => r.epochSeconds);
  if (epochs.length > 0) return median(epochs);
  const steps = runs.reduce((a, r) => a + r.steps, 0);
  const seconds = runs.reduce((a, r) => a + r.trainingSeconds, 0);
  return steps === 0 ? Number.NaN : (seconds / steps) * runs[0]!.stepsPerEpoch;
}

/** The runs of `optimizer` that took at least one step: the runs every summary counts. @internal */
export function runsOf(records: readonly RunRecord[], optimizer: OptimizerName): RunRecord[] {
  return records.filter((r) => r.optimizer === optimizer && r.steps > 0);
}

/** The result table: one row per optimizer, aggregated over seeds. @internal */
export function summarize(config: ExperimentConfig, records: readonly RunRecord[]): SummaryRow[] {
  const sgdRuns = runsOf(records, 'sgd');
  const sgdEpoch = sgdRuns.length > 0 ? secondsPerEpoch(sgdRuns) : null;
  return config.optimizers.flatMap((optimizer) => {
    const runs = runsOf(records, optimizer);
    if (runs.length === 0) return [];
    const total = runs.reduce((a, r) => a + r.trainingSeconds, 0);
    const share = (pick: (r: RunRecord) => number): number =>
      runs.reduce((a, r) => a + pick(r), 0) / total;
    const spe = secondsPerEpoch(runs);
    const counts = new Map<string, number>();
    for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    return [
      {
        optimizer,
        runs: runs.length,
        finalMetric: spread(
          runs.map((r) => r.evaluations[r.evaluations.length - 1]?.metric ?? Number.NaN),
        )!,
        targets: config.targets.map((target) => {
          const hits = runs
            .map((r) => r.reached[String(target)])
            .filter((h) => h !== null && h !== undefined);
          return {
            target,
            reached: hits.length,
            seconds: spread(hits.map((h) => h.seconds)),
            epochs: spread(hits.map((h) => h.epochs)),
          };
        }),
        secondsPerEpoch: spe,
        overhead: sgdEpoch === null ? null : spe / sgdEpoch,
        forwardBackwardShare: share((r) => r.forwardBackwardSeconds),
        factorShare: share((r) => r.factorSeconds),
        preconditionShare: share((r) => r.preconditionSeconds),
        peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
        status: [...counts].map(([s, n]) => (runs.length > 1 ? `${s} ×${n}` : s)).join(', '),
      },
    ];
  });
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}`;

function formatSpread(s: Spread | null, digits: number, runs: number): string {
  if (s === null) return '—';
  if (runs === 1 || s.min === s.max) return s.mean.toFixed(digits);
  return `${s.mean.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

/** Column headers and cell strings of the result table. @internal */
export function tableCells(
  config: ExperimentConfig,
  rows: readonly SummaryRow[],
): { header: string[]; cells: string[][] } {
  const task = TASKS[config.task];
  const header = [
    'optimizer',
    'runs',
    task.column.header,
    ...config.targets.flatMap((t) => [
      `s to ${task.formatTarget(t)}`,
      `epochs to ${task.formatTarget(t)}`,
    ]),
    's/epoch',
    'overhead vs SGD',
    'fwd+bwd %',
    'factors %',
    'precond %',
    'peak RSS MiB',
    'status',
  ];
  const cells = rows.map((r) => [
    r.optimizer,
    String(r.runs),
    formatSpread(
      {
        mean: task.column.scale * r.finalMetric.mean,
        min: task.column.scale * r.finalMetric.min,
        max: task.column.scale * r.finalMetric.max,
      },
      2,
      r.runs,
    ),
    ...r.targets.flatMap((t) => {
      const missed = t.reached < r.runs ? ` [${t.reached}/${r.runs}]` : '';
      return [
        formatSpread(t.seconds, 1, r.runs) + missed,
        formatSpread(t.epochs, 2, r.runs) + missed,
      ];
    }),
    r.secondsPerEpoch.toFixed(2),
    r.overhead === null ? '—' : `${r.overhead.toFixed(2)}x`,
    pct(r.forwardBackwardShare),
    pct(r.factorShare),
    pct(r.preconditionShare),
    r.peakRssMiB.toFixed(0),
    r.status,
  ]);
  return { header, cells };
}

/**
 * The result table as aligned plain text, in two parts so that each fits 100
 * columns: what each optimizer reached (final metric, time and epochs to each
 * target, status), then what its steps cost.
 * @internal
 */
export function renderText(config: ExperimentConfig, rows: readonly SummaryRow[]): string {
  const { header, cells } = tableCells(config, rows);
  const targetColumns = 2 * config.targets.length;
  const outcome = [0, 1, 2, ...Array.from({ length: targetColumns }, (_, i) => 3 + i)];
  outcome.push(header.length - 1);
  const cost = [0, ...Array.from({ length: 6 }, (_, i) => 3 + targetColumns + i)];
  const part = (columns: number[]): string => {
    const h = columns.map((j) => header[j]!);
    const c = cells.map((row) => columns.map((j) => row[j]!));
    const widths = h.map((v, j) => Math.max(v.length, ...c.map((r) => r[j]!.length)));
    const line = (r: readonly string[]): string =>
      r.map((v, j) => (j === 0 ? v.padEnd(widths[j]!) : v.padStart(widths[j]!))).join('  ');
    return [line(h), widths.map((w) => '-'.repeat(w)).join('  '), ...c.map(line)].join('\n');
  };
  return `${part(outcome)}\n\n${part(cost)}`;
}

/** The result table in markdown. @internal */
export function renderMarkdown(config: ExperimentConfig, rows: readonly SummaryRow[]): string {
  const { header, cells } = tableCells(config, rows);
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, j) => (j === 0 ? '---' : '---:')).join('|')}|`,
    ...cells.map((c) => `| ${c.join(' | ')} |`),
  ].join('\n');
}
