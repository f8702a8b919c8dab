/**
 * `bkfac train --merge`: one report from the results of finished experiments
 * of the same protocol that ran different seeds (for example one process per
 * core), or a fresh rendering of a single results.json.
 * @module
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@bkfac/linalg';
import type { ExperimentConfig } from './config.js';
import { upgradeExperiment } from './upgrade.js';
import type { ExperimentState } from './experiment.js';
import { newExperiment } from './experiment.js';
import type { RunRecord } from './records.js';
import type { Machine } from './machine.js';
import { DataFormatError } from '@bkfac/nn';

const FN = 'bkfac train';

/** The part of a results.json that a merge reads. @internal */
export interface ResultsFile {
  /** Command that produced the results. */
  readonly command: string;
  /** ISO date the results were written. */
  readonly date: string;
  /** Machine the runs were measured on. */
  readonly machine: Machine;
  /** Whether the experiment stopped before its last run finished. */
  readonly interrupted: boolean;
  /** Protocol. */
  readonly config: ExperimentConfig;
  /** Run records. */
  readonly runs: RunRecord[];
}

/** Where the runs of a merged report came from. @internal */
export interface ResultSource {
  /** Path of the results.json. */
  readonly file: string;
  /** Command that produced it. */
  readonly command: string;
  /** ISO date it was written. */
  readonly date: string;
  /** Machine its runs were measured on. */
  readonly machine: Machine;
}

/** Experiments combined by {@link mergeResults}. @internal */
export interface MergedResults {
  /** The combined experiment (every seed of every input). */
  readonly state: ExperimentState;
  /** The inputs, in the order given. */
  readonly sources: readonly ResultSource[];
}

/**
 * Reads the results.json of a finished `bkfac train` experiment.
 * @throws {@link DataFormatError} if the file is not such a results.json, or the experiment was interrupted
 * @internal
 */
export function readResults(file: string): ResultsFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataFormatError(FN, file, `expected a readable JSON file (${(e as Error).message})`);
  }
  const r = parsed as Partial<ResultsFile> | null;
  if (
    typeof r !== 'object' ||
    r === null ||
    typeof r.command !== 'string' ||
    typeof r.date !== 'string' ||
    typeof r.machine !== 'object' ||
    typeof r.interrupted !== 'boolean' ||
    typeof r.config !== 'object' ||
    !Array.isArray(r.config.seeds) ||
    !Array.isArray(r.runs) ||
    !upgradeExperiment(r as ResultsFile)
  ) {
    throw new DataFormatError(
      FN,
      file,
      'expected the results.json of bkfac train (command, date, machine, interrupted, config, runs)',
    );
  }
  if (r.interrupted) {
    throw new DataFormatError(FN, file, 'the experiment was interrupted; finish it with --resume');
  }
  return r as ResultsFile;
}

/**
 * Combines finished experiments whose configurations differ only in their seeds.
 * @throws {@link DataFormatError} if a file is not a finished experiment's results.json
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if the protocols differ or a seed repeats
 * @internal
 */
export function mergeResults(files: readonly string[]): MergedResults {
  const inputs = files.map((file) => ({ file, results: readResults(file) }));
  const [first] = inputs;
  if (first === undefined) {
    throw new InvalidArgumentError(FN, '--merge', 'at least one results.json', 'none');
  }
  // Both sides come from the same writer, so key order matches and JSON text compares protocols.
  const protocol = (c: ExperimentConfig): string => JSON.stringify({ ...c, seeds: [] });
  for (const { file, results } of inputs) {
    if (protocol(results.config) !== protocol(first.results.config)) {
      throw new InvalidArgumentError(
        FN,
        '--merge',
        `experiments whose options differ only in --seed from ${first.file}`,
        file,
      );
    }
  }
  const seeds = inputs.flatMap((i) => i.results.config.seeds);
  const repeated = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (repeated !== undefined) {
    throw new InvalidArgumentError(
      FN,
      '--merge',
      'experiments with distinct seeds',
      `seed ${repeated} twice`,
    );
  }
  const state = newExperiment({ ...first.results.config, seeds });
  state.records = inputs.flatMap((i) => i.results.runs);
  const sources = inputs.map(({ file, results: r }) => ({
    file,
    command: r.command,
    date: r.date,
    machine: r.machine,
  }));
  return { state, sources };
}
