/**
 * The B-KFAC paper's claims checked on one experiment: each B variant's time to
 * the highest target against dense K-FAC's, its overhead ratio, and its epochs
 * to the target against SGD's.
 * @module
 */
import type { ExperimentConfig } from './config.js';
import { TASKS } from './task.js';
import { brandFamily } from './optimizers.js';
import type { RunRecord } from './records.js';
import { epochsTrained } from './records.js';
import type { SummaryRow } from './summary.js';
import { runsOf } from './summary.js';

/** The overhead ratio (s/epoch ÷ SGD's) below which a B variant counts as "close to SGD". @internal */
export const OVERHEAD_CLAIM = 1.5;

/** Mean cost to a target over runs; a lower bound when `missed > 0` (a missing run counts its whole budget). */
interface Cost {
  readonly mean: number;
  readonly missed: number;
  readonly runs: number;
}

function costTo(
  runs: readonly RunRecord[],
  target: number,
  pick: 'seconds' | 'epochs',
): Cost | null {
  if (runs.length === 0) return null;
  let sum = 0;
  let missed = 0;
  for (const r of runs) {
    const hit = r.reached[String(target)];
    if (hit === null || hit === undefined) {
      missed++;
      sum += pick === 'seconds' ? r.trainingSeconds : epochsTrained(r);
    } else sum += hit[pick];
  }
  return { mean: sum / runs.length, missed, runs: runs.length };
}

function describe(c: Cost, unit: string, digits: number): string {
  const value = `${c.mean.toFixed(digits)}${unit}`;
  return c.missed === 0 ? value : `≥ ${value} (missed in ${c.missed} of ${c.runs})`;
}

/**
 * `yes` when `a` is certainly below `b`, `no` when certainly not, else `undecided`.
 * A mean with missed runs is only a lower bound, so it decides `yes` only as the
 * right-hand side and `no` only as the left-hand side.
 */
function verdict(a: Cost, b: Cost): string {
  if (a.missed === 0 && a.mean < b.mean) return 'yes';
  if (b.missed === 0 && a.mean >= b.mean) return 'no';
  return 'undecided';
}

function compare(
  a: Cost | null,
  b: Cost | null,
  other: string,
  unit: string,
  digits: number,
): string {
  if (a === null || b === null) return `— (no ${other} run)`;
  return `${verdict(a, b)}: ${describe(a, unit, digits)} vs ${describe(b, unit, digits)}`;
}

/**
 * Markdown section checking the claims for every B variant of the experiment
 * (empty when it has none).
 * @internal
 */
export function renderClaims(
  config: ExperimentConfig,
  records: readonly RunRecord[],
  rows: readonly SummaryRow[],
): string[] {
  const target = config.targets[config.targets.length - 1];
  const variants = rows.filter((r) => brandFamily(r.optimizer));
  if (target === undefined || variants.length === 0) return [];
  const kfacSeconds = costTo(runsOf(records, 'kfac'), target, 'seconds');
  const sgdEpochs = costTo(runsOf(records, 'sgd'), target, 'epochs');
  const pct = TASKS[config.task].formatTarget(target);
  return [
    '## The B-KFAC claims on this experiment',
    '',
    `Each B variant against dense \`kfac\` and \`sgd\` of this experiment, at ${pct}: mean training time to the target, the overhead ratio against ${OVERHEAD_CLAIM}, and mean epochs to the target. A run that missed the target counts with its whole training time or epochs, so such a mean is a lower bound (≥); \`undecided\` means the bounds do not settle the comparison.`,
    '',
    `| optimizer | faster to ${pct} than kfac | overhead ≤ ${OVERHEAD_CLAIM} | fewer epochs to ${pct} than sgd |`,
    '|---|---|---|---|',
    ...variants.map((row) => {
      const runs = runsOf(records, row.optimizer);
      const time = compare(costTo(runs, target, 'seconds'), kfacSeconds, 'kfac', ' s', 0);
      const overhead =
        row.overhead === null
          ? '— (no sgd run)'
          : `${row.overhead <= OVERHEAD_CLAIM ? 'yes' : 'no'}: ${row.overhead.toFixed(2)}x`;
      const epochs = compare(costTo(runs, target, 'epochs'), sgdEpochs, 'sgd', '', 2);
      return `| ${row.optimizer} | ${time} | ${overhead} | ${epochs} |`;
    }),
    '',
  ];
}
