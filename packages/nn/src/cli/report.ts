/**
 * Files written by `bkfac train`: results.json, report.md and the SVG plots.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { ExperimentState } from './experiment.js';
import { describeOptimizer } from './optimizers.js';
import { renderPlots } from './plots.js';
import type { RunRecord } from './records.js';
import type { SummaryRow } from './summary.js';
import { renderMarkdown, summarize } from './summary.js';

/** The machine a run was measured on. @internal */
export interface Machine {
  /** CPU model. */
  readonly cpu: string;
  /** Logical cores. */
  readonly cores: number;
  /** Memory in GiB. */
  readonly memoryGiB: number;
  /** Node version. */
  readonly node: string;
  /** OS and architecture. */
  readonly platform: string;
}

/** Description of this machine. @internal */
export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

/** Paths of the written files. @internal */
export interface WrittenReport {
  /** results.json. */
  readonly results: string;
  /** report.md. */
  readonly report: string;
  /** The SVG plots. */
  readonly plots: readonly string[];
  /** The summary rows. */
  readonly rows: readonly SummaryRow[];
}

/**
 * Writes results.json, report.md and the plots of `state` into `out`.
 * @internal
 */
export async function writeReport(
  state: ExperimentState,
  out: string,
  command: string,
  checkpoint: string,
): Promise<WrittenReport> {
  mkdirSync(out, { recursive: true });
  const { config, records } = state;
  const rows = summarize(config, records);
  const plots = await renderPlots(records, config.targets);
  for (const p of plots) writeFileSync(join(out, p.file), p.svg);
  const host = machine();
  const date = new Date().toISOString();
  const interrupted =
    state.current !== null ||
    records.some((r) => r.status === 'running' || r.status === 'interrupted');
  const results = join(out, 'results.json');
  writeFileSync(
    results,
    JSON.stringify(
      { command, date, machine: host, interrupted, config, summary: rows, runs: records },
      null,
      2,
    ) + '\n',
  );
  const report = join(out, 'report.md');
  writeFileSync(
    report,
    markdown(
      state,
      rows,
      plots.map((p) => [p.file, p.title] as const),
      { command, date, host, interrupted, checkpoint },
    ),
  );
  return { results, report, plots: plots.map((p) => join(out, p.file)), rows };
}

function markdown(
  state: ExperimentState,
  rows: readonly SummaryRow[],
  plots: readonly (readonly [string, string])[],
  meta: { command: string; date: string; host: Machine; interrupted: boolean; checkpoint: string },
): string {
  const { config, records } = state;
  const sizes = [784, ...config.hidden, 10].join('-');
  const train =
    config.trainLimit === null
      ? 'all 60,000 training digits'
      : `the first ${config.trainLimit} of the 60,000 training digits`;
  const test =
    config.testLimit === null
      ? 'all 10,000 test digits'
      : `the first ${config.testLimit} test digits`;
  const stop = [
    `${config.epochs} epochs`,
    `test accuracy ${pct(config.targets[config.targets.length - 1]!)}`,
    ...(config.timeLimit === null ? [] : [`${config.timeLimit} s of training`]),
  ];
  const lines = [
    `# bkfac train: MNIST MLP ${sizes} (preset \`${config.preset}\`)`,
    '',
    `Produced by \`${meta.command}\` on ${meta.date.slice(0, 10)}.`,
    '',
    `Machine: ${meta.host.cpu}, ${meta.host.cores} cores, ${meta.host.memoryGiB} GiB, Node ${meta.host.node}, ${meta.host.platform}; single thread, float64.`,
    '',
    ...(meta.interrupted
      ? [
          `**Interrupted**: partial results. Continue with \`npm run train -- --resume ${meta.checkpoint}\`.`,
          '',
        ]
      : []),
    '## Protocol',
    '',
    `- Data: ${train}, evaluated on ${test}; pixels scaled to [0, 1] and standardised with mean 0.1307, std 0.3081.`,
    `- Model: MLP ${sizes}, ReLU, PyTorch's default initialisation; softmax cross-entropy; batch ${config.batchSize}; ${config.fisher} Fisher.`,
    `- Test accuracy every ${config.evalEvery} epoch (evaluation time excluded from training time); a run stops at the first of: ${stop.join(', ')}.`,
    `- Seeds: ${config.seeds.join(', ')}. Times are training seconds (forward, backward, optimizer); the overhead ratio is s/epoch divided by SGD's s/epoch in the same run.`,
    '- Optimizers:',
    ...config.optimizers.map((o) => `  - \`${o}\`: ${describeOptimizer(o, config)}`),
    '',
    '## Results',
    '',
    renderMarkdown(config, rows),
    '',
    'Columns: mean over seeds with (min–max); `[k/n]` marks targets reached by only k of n runs (times average those k). fwd+bwd, factors and precond are shares of training time (the rest of the optimizer time is the update itself).',
    '',
    ...missedTargets(rows),
    '## K-factors',
    '',
    'Per preconditioned layer (first seed): whether Brand updates applied (LL: `rank + batch < d`) or the factor was tracked densely, and how its rank moved.',
    '',
    ...factorTables(records),
    '## Plots',
    '',
    ...plots.flatMap(([file, title]) => [`### ${title}`, '', `![${title}](${file})`, '']),
    '## Runs',
    '',
    '| optimizer | seed | status | steps | epochs | training s | final test acc % |',
    '|---|---:|---|---:|---:|---:|---:|',
    ...records.map(
      (r) =>
        `| ${r.optimizer} | ${r.seed} | ${r.status} | ${r.steps} | ${(r.steps / Math.max(r.stepsPerEpoch, 1)).toFixed(2)} | ${r.trainingSeconds.toFixed(1)} | ${(100 * (r.evaluations[r.evaluations.length - 1]?.accuracy ?? 0)).toFixed(2)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

function missedTargets(rows: readonly SummaryRow[]): string[] {
  const notes = rows.flatMap((r) =>
    r.targets
      .filter((t) => t.reached < r.runs)
      .map(
        (t) =>
          `- \`${r.optimizer}\` reached ${pct(t.target)} in ${t.reached} of ${r.runs} run(s) within the budget (${r.status}).`,
      ),
  );
  return notes.length === 0 ? [] : ['Targets missed:', '', ...notes, ''];
}

function factorTables(records: readonly RunRecord[]): string[] {
  const firstSeed = records[0]?.seed;
  const kfac = records.filter((r) => r.seed === firstSeed && r.factors.length > 0);
  if (kfac.length === 0) return ['No K-FAC-family run.', ''];
  return kfac.flatMap((r) => [
    `**${r.optimizer}**`,
    '',
    '| factor | d | tracking | rank (first → last evaluation) |',
    '|---|---:|---|---|',
    ...r.factors.map(
      (f) =>
        `| ${f.layer}.${f.side} | ${f.dim} | ${f.tracking === 'brand' ? 'Brand updates (LL)' : 'dense'} | ${r.optimizer === 'kfac' ? `full (${f.dim})` : `${f.ranks[0]} → ${f.ranks[f.ranks.length - 1]}`} |`,
    ),
    '',
  ]);
}
