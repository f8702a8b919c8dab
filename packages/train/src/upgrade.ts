/**
 * Reading experiments written before tasks and `--set` existed: their
 * configuration has no `task` (they were all classification) nor `overrides`,
 * and their evaluations call the metric `accuracy`. Upgraded once where
 * checkpoints and results are read.
 * @module
 */
import type { ExperimentConfig } from './config.js';
import type { RunRecord } from './records.js';
import { TASKS } from './task.js';

interface Stored {
  config: ExperimentConfig;
  records?: RunRecord[];
  runs?: RunRecord[];
}

/**
 * `stored` with a task and `metric` evaluations; `false` if its task is not one
 * this version knows (the caller reports the file as not readable).
 * @internal
 */
export function upgradeExperiment(stored: Stored): boolean {
  const config = stored.config as { task?: unknown; overrides?: unknown };
  config.overrides ??= {};
  if (config.task === undefined) {
    config.task = 'classification';
    for (const r of [...(stored.records ?? []), ...(stored.runs ?? [])]) {
      for (const e of (r.evaluations ?? []) as unknown as Record<string, number>[]) {
        if (e['metric'] === undefined && typeof e['accuracy'] === 'number') {
          e['metric'] = e['accuracy'];
          delete e['accuracy'];
        }
      }
    }
  }
  return typeof config.task === 'string' && Object.hasOwn(TASKS, config.task);
}
