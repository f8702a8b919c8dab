/**
 * Files written by `bkfac train`: results.json, report.md and the SVG plots.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderClaims } from './claims.js';
import type { ExperimentState } from './experiment.js';
import type { Machine } from './machine.js';
import { machine } from './machine.js';
import type { ResultSource } from './merge.js';
import { describeOptimizer, lowRank } from './optimizers.js';
import { renderPlots } from './plots.js';
import type { RunRecord } from './records.js';
import { epochsTrained } from './records.js';
import type { SummaryRow } from './summary.js';
import { renderMarkdown, summarize } from './summary.js';
import type { Task } from './task.js';
import { TASKS } from './task.js';
import { EVALUATION_DIGITS } from './config.js';
import { ensureWritableFolder } from '@bkfac/nn';

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
 * Writes results.json, report.md and the plots of `state` into `out`; `sources`
 * names the experiments a merged report combines (their machine is reported).
 * @internal
 */
export async function writeReport(
  state: ExperimentState,
  out: string,
  command: string,
  checkpoint: string,
  sources: readonly ResultSource[] = [],
): Promise<WrittenReport> {
  ensureWritableFolder('bkfac train', out);
  const { config, records } = state;
  const rows = summarize(config, records);
  const plots = await renderPlots(TASKS[config.task], records, config.targets);
  for (const p of plots) writeFileSync(join(out, p.file), p.svg);
  const host = sources[0]?.machine ?? machine();
  const date = new Date().toISOString();
  const interrupted =
    state.current !== null ||
    records.some((r) => r.status === 'running' || r.status === 'interrupted');
  const results = join(out, 'results.json');
  writeFileSync(
    results,
    JSON.stringify(
      {
        command,
        date,
        machine: host,
        interrupted,
        ...(sources.length > 0 ? { sources } : {}),
        config,
        summary: rows,
        runs: records,
      },
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
      { command, date, host, interrupted, checkpoint, sources },
    ),
  );
  return { results, report, plots: plots.map((p) => join(out, p.file)), rows };
}

function markdown(
  state: ExperimentState,
  rows: readonly SummaryRow[],
  plots: readonly (readonly [string, string])[],
  meta: {
    command: string;
    date: string;
    host: Machine;
    interrupted: boolean;
    checkpoint: string;
    sources: readonly ResultSource[];
  },
): string {
  const { config, records } = state;
  const task = TASKS[config.task];
  const layers = task.model(784, 10, config.hidden).linearLayers;
  const sizes = [784, ...layers.map((l) => l.outFeatures)].join('-');
  const train =
    config.trainLimit === null
      ? 'all 60,000 training digits'
      : `the first ${config.trainLimit} of the 60,000 training digits`;
  const evaluation =
    task.evaluatedOn === 'test'
      ? config.testLimit
      : Math.min(EVALUATION_DIGITS, config.trainLimit ?? 60000);
  const stop = [
    `${config.epochs} epochs`,
    `${task.metric} ${task.formatTarget(config.targets[config.targets.length - 1]!)}`,
    ...(config.timeLimit === null ? [] : [`${config.timeLimit} s of training`]),
  ];
  const lines = [
    `# bkfac train: ${task.title} ${sizes} (preset \`${config.preset}\`)`,
    '',
    ...provenance(meta),
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
    `- Data: ${task.dataNote(train, evaluation)}.`,
    `- Model: ${task.title} ${sizes}, ${task.modelNote}; batch ${config.batchSize}; ${config.fisher} Fisher.`,
    `- ${task.heading} every ${config.evalEvery} epoch (evaluation time excluded from training time); a run stops at the first of: ${stop.join(', ')}.`,
    `- Seeds: ${config.seeds.join(', ')}. Times are training seconds (forward, backward, optimizer); the overhead ratio is s/epoch divided by SGD's median s/epoch in the same experiment.`,
    '- Optimizers:',
    ...config.optimizers.map((o) => `  - \`${o}\`: ${describeOptimizer(o, config)}`),
    '',
    '## Results',
    '',
    renderMarkdown(config, rows),
    '',
    'Columns: mean over seeds with (min–max); `[k/n]` marks targets reached by only k of n runs (times average those k). fwd+bwd, factors and precond are shares of training time (the rest of the optimizer time is the update itself).',
    '',
    ...missedTargets(task, rows),
    ...renderClaims(config, records, rows),
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
    `| optimizer | seed | status | steps | epochs | training s | final ${task.metric} |`,
    '|---|---:|---|---:|---:|---:|---:|',
    ...records.map((r) => {
      const last = r.evaluations[r.evaluations.length - 1];
      const final = last === undefined ? '—' : task.format(last.metric);
      return `| ${r.optimizer} | ${r.seed} | ${r.status} | ${r.steps} | ${epochsTrained(r).toFixed(2)} | ${r.trainingSeconds.toFixed(1)} | ${final} |`;
    }),
    '',
  ];
  return lines.join('\n');
}

function provenance(meta: {
  command: string;
  date: string;
  sources: readonly ResultSource[];
}): string[] {
  const day = (iso: string): string => iso.slice(0, 10);
  if (meta.sources.length === 0) return [`Produced by \`${meta.command}\` on ${day(meta.date)}.`];
  const machines = new Set(meta.sources.map((s) => JSON.stringify(s.machine)));
  return [
    `Merged by \`${meta.command}\` on ${day(meta.date)} from the results of:`,
    '',
    ...meta.sources.map((s) => `- \`${s.command}\` (${day(s.date)}, \`${s.file}\`)`),
    ...(machines.size > 1
      ? ['', '**The sources ran on different machines**; the first is named below.']
      : []),
  ];
}

function missedTargets(task: Task, rows: readonly SummaryRow[]): string[] {
  const notes = rows.flatMap((r) =>
    r.targets
      .filter((t) => t.reached < r.runs)
      .map(
        (t) =>
          `- \`${r.optimizer}\` reached ${task.formatTarget(t.target)} in ${t.reached} of ${r.runs} run(s) within the budget (${r.status}).`,
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
        `| ${f.layer}.${f.side} | ${f.dim} | ${f.tracking === 'brand' ? 'Brand updates (LL)' : 'dense'} | ${lowRank(r.optimizer) ? `${f.ranks[0]} → ${f.ranks[f.ranks.length - 1]}` : `full (${f.dim})`} |`,
    ),
    '',
  ]);
}
