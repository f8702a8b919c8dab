// Checkpoints written while a run is in progress: a process killed right after one
// resumes from it and finishes exactly as the uninterrupted experiment.
import { describe, expect, it } from '@jest/globals';
import { decodeTree, encodeTree } from '@bkfac/nn';
import { loadMnist } from '@bkfac/nn';
import { parseCommandLine } from '../src/args';
import { newExperiment, runExperiment } from '../src/experiment';
import type { ExperimentIo, ExperimentState, Reporter } from '../src/experiment';

const silent: Reporter = { runStart() {}, step() {}, evaluation() {}, runEnd() {}, notice() {} };

class Killed extends Error {}

function configFor(optimizers: string) {
  const request = parseCommandLine([
    ...['--hidden', '32', '--batch-size', '16', '--rank', '4', '--epochs', '3'],
    ...['--train-limit', '128', '--test-limit', '64', '--target', '0.99'],
    ...['--time-limit', '0', '--eval-every', '0.5', '--no-inversion-error'],
    ...['--optimizers', optimizers],
  ]);
  if (request.kind !== 'train') throw new Error('expected a training request');
  return request.config;
}

/** What a run computes (times excluded: they differ between any two runs). */
function outcome(state: ExperimentState) {
  return state.records.map((r) => ({
    optimizer: r.optimizer,
    status: r.status,
    steps: r.steps,
    losses: r.losses,
    evaluations: r.evaluations.map(({ seconds: _, ...rest }) => rest),
  }));
}

describe('bkfac train checkpoints during a run', () => {
  const train = loadMnist({ split: 'train', limit: 128 });
  const test = loadMnist({ split: 'test', limit: 64 });
  const io = (overrides: Partial<ExperimentIo> = {}): ExperimentIo => ({
    train,
    evaluation: test,
    reporter: silent,
    interrupted: () => false,
    save: () => {},
    ...overrides,
  });

  it.each([
    ['sgd,b-kfac', 13],
    ['sgd,b-kfac', 31],
    ['kfac', 7],
  ])(
    '%s killed after the mid-run checkpoint at step call %i resumes bit for bit',
    async (optimizers, killAt) => {
      const config = configFor(optimizers);
      const straight = await runExperiment(newExperiment(config), io());

      let asked = 0;
      let file: Uint8Array | null = null;
      const killed = runExperiment(
        newExperiment(config),
        io({
          checkpointDue: () => ++asked === killAt,
          save: (s) => {
            if (s.current === null) return; // a finished run's save
            file = encodeTree(s);
            throw new Killed('the process dies right after writing its checkpoint');
          },
        }),
      );
      await expect(killed).rejects.toThrow(Killed);
      expect(file).not.toBeNull();

      const restored = decodeTree(file!) as ExperimentState;
      const running = restored.records.find((r) => r.status === 'running');
      expect(running).toBeDefined();
      expect(running!.steps).toBeGreaterThan(0);
      const resumed = await runExperiment(restored, io());
      expect(outcome(resumed)).toEqual(outcome(straight));
    },
    120_000,
  );
});
