import { describe, expect, it } from '@jest/globals';
import { renderClaims } from '../src/claims';
import type { ExperimentConfig, OptimizerName } from '../src/config';
import { DEFAULT_CONFIG } from '../src/config';
import type { RunRecord } from '../src/records';
import { newRecord } from '../src/records';
import { summarize } from '../src/summary';

const config: ExperimentConfig = {
  ...DEFAULT_CONFIG,
  optimizers: ['sgd', 'kfac', 'b-kfac', 'b-r-kfac'],
  seeds: [1, 2],
  targets: [0.97, 0.98],
};

/** A finished run: 100 steps per epoch, `secondsPerEpoch`, and the 98 % target hit at `hit` (epochs) or missed. */
function run(
  optimizer: OptimizerName,
  seed: number,
  secondsPerEpoch: number,
  epochs: number,
  hit: number | null,
): RunRecord {
  const r = newRecord(optimizer, seed, config.targets);
  r.status = hit === null ? 'epochs' : 'target';
  r.stepsPerEpoch = 100;
  r.steps = 100 * epochs;
  r.trainingSeconds = secondsPerEpoch * epochs;
  r.epochSeconds = Array.from({ length: epochs }, () => secondsPerEpoch);
  r.evaluations.push({
    step: r.steps,
    epoch: epochs,
    seconds: r.trainingSeconds,
    metric: 0.9,
    loss: 0.3,
  });
  if (hit !== null) r.reached['0.98'] = { seconds: hit * secondsPerEpoch, epochs: hit };
  return r;
}

function claimsTable(records: RunRecord[]): string[][] {
  const lines = renderClaims(config, records, summarize(config, records));
  return lines
    .filter((l) => /^\| b-/.test(l))
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}

describe('renderClaims', () => {
  it('decides each claim from the runs, with missed runs as lower bounds', () => {
    const records = [
      run('sgd', 1, 10, 4, 4),
      run('sgd', 2, 10, 5, 5), // mean 4.5 epochs
      run('kfac', 1, 50, 3, null),
      run('kfac', 2, 50, 3, null), // ≥ 150 s
      run('b-kfac', 1, 14, 10, null),
      run('b-kfac', 2, 14, 10, null),
      run('b-r-kfac', 1, 20, 4, 4),
      run('b-r-kfac', 2, 20, 4, 4), // 80 s, 4 epochs
    ];
    expect(claimsTable(records)).toEqual([
      [
        'b-kfac',
        'undecided: ≥ 140 s (missed in 2 of 2) vs ≥ 150 s (missed in 2 of 2)',
        'yes: 1.40x',
        'no: ≥ 10.00 (missed in 2 of 2) vs 4.50',
      ],
      ['b-r-kfac', 'yes: 80 s vs ≥ 150 s (missed in 2 of 2)', 'no: 2.00x', 'yes: 4.00 vs 4.50'],
    ]);
  });

  it('says no when dense K-FAC reached the target sooner in every run', () => {
    const records = [
      run('sgd', 1, 10, 3, 3),
      run('kfac', 1, 30, 2, 2), // 60 s
      run('b-kfac', 1, 15, 5, 5), // 75 s
    ];
    expect(claimsTable(records)).toEqual([
      ['b-kfac', 'no: 75 s vs 60 s', 'yes: 1.50x', 'no: 5.00 vs 3.00'],
    ]);
  });

  it('is undecided when a run cut short of the target might still have been faster', () => {
    const records = [
      run('sgd', 1, 10, 5, 5), // 5 epochs, 50 s
      run('kfac', 1, 30, 2, 2), // 60 s
      run('b-kfac', 1, 15, 3, null), // stopped at 3 epochs, 45 s: ≥ 45 s, ≥ 3 epochs
    ];
    expect(claimsTable(records)).toEqual([
      [
        'b-kfac',
        'undecided: ≥ 45 s (missed in 1 of 1) vs 60 s',
        'yes: 1.50x',
        'undecided: ≥ 3.00 (missed in 1 of 1) vs 5.00',
      ],
    ]);
  });

  it('marks a missing baseline and is empty without a B variant', () => {
    const records = [run('b-kfac', 1, 15, 5, 5)];
    expect(claimsTable(records)).toEqual([
      ['b-kfac', '— (no kfac run)', '— (no sgd run)', '— (no sgd run)'],
    ]);
    expect(renderClaims(config, [run('sgd', 1, 10, 3, 3)], [])).toEqual([]);
  });
});
