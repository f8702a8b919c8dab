/**
 * Every optimizer's trajectory on a fixed seed, pinned bit for bit: a refactor of the optimizers
 * (or of the kernels under them) that changes a single rounding shows up here. The fixture was
 * written by this file with `BKFAC_WRITE_TRAJECTORIES=1` before the optimizers became chains of
 * transforms; it must not be regenerated to make a change pass.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createRng, fromArray } from '@bkfac/linalg';
import type { StrategyName } from '@bkfac/kfactors';
import { adam, adamw, applyUpdatesInPlace, kfacOptimizer, mlp, sgd } from '@bkfac/nn';
import type { Optimizer, Params } from '@bkfac/nn';

const FIXTURE = join(__dirname, 'fixtures', 'trajectories.json');
const STEPS = 40;
const BATCH = 4;
const SIZES = [12, 10, 4];

/** Fast periods so that every kind of refresh fires within {@link STEPS} steps. */
const periods = { update: 2, inverse: 4, brand: 2, overwrite: 8, correction: 4 };
const layers = ['linear0', 'linear1'];
const kfac = (strategy: StrategyName, fisher: 'empirical' | 'true' = 'empirical') => ({
  fisher,
  make: () =>
    kfacOptimizer(strategy, {
      layers,
      batchSize: BATCH,
      learningRate: 0.05,
      momentum: 0.9,
      weightDecay: 1e-3,
      weightDecayDelay: 6,
      seed: 3,
      factors: { rank: 3, damping: 0.05, periods },
    }),
});

const CASES: Record<string, { fisher: 'empirical' | 'true'; make: () => Optimizer }> = {
  sgd: {
    fisher: 'empirical',
    make: () => sgd({ learningRate: 0.1, momentum: 0.9, weightDecay: 1e-3 }),
  },
  'sgd-nesterov': {
    fisher: 'empirical',
    make: () =>
      sgd({
        learningRate: { kind: 'exp', initial: 0.1, rate: 2, period: 5 },
        momentum: 0.8,
        nesterov: true,
      }),
  },
  adam: { fisher: 'empirical', make: () => adam({ learningRate: 0.01 }) },
  adamw: { fisher: 'empirical', make: () => adamw({ learningRate: 0.01, weightDecay: 0.02 }) },
  kfac: kfac('kfac'),
  'rs-kfac': kfac('rs-kfac'),
  'sre-kfac': kfac('sre-kfac'),
  'b-kfac': kfac('b-kfac'),
  'b-r-kfac': kfac('b-r-kfac'),
  'b-kfac-c': kfac('b-kfac-c'),
  'b-kfac true Fisher': kfac('b-kfac', 'true'),
};

/** Losses of every step and a hash of the final parameters' bytes. */
function trajectory(name: string): { losses: number[]; params: string } {
  const { fisher, make } = CASES[name]!;
  const model = mlp({ sizes: SIZES });
  const opt = make();
  const params: Params = model.init(11);
  let state = opt.init(params);
  const updates: Params = Object.fromEntries(
    Object.entries(params).map(([k, v]) => [
      k,
      fromArray(new Float64Array(v.size), v.shape as [number, number]),
    ]),
  );
  const data = createRng(5);
  const sampler = createRng(6);
  const losses: number[] = [];
  for (let t = 0; t < STEPS; t++) {
    const x = fromArray(
      Float64Array.from({ length: BATCH * SIZES[0]! }, () => data.normal()),
      [BATCH, SIZES[0]!],
    );
    const labels = Array.from({ length: BATCH }, (_, i) => (t + 3 * i) % SIZES[2]!);
    const epoch = Math.floor(t / 20);
    const needs = opt.needsCurvature(state, epoch);
    const r = model.lossAndGradients(
      params,
      { x, labels },
      {
        curvature: needs.batch || needs.statistics ? fisher : 'none',
        rng: sampler,
      },
    );
    losses.push(r.loss);
    state = opt.updateInPlace(r.gradients, state, params, updates, {
      epoch,
      curvature: r.curvature,
    });
    applyUpdatesInPlace(params, updates);
  }
  const hash = createHash('sha256');
  for (const k of Object.keys(params).sort()) {
    const p = params[k]!;
    hash.update(Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength));
  }
  return { losses, params: hash.digest('hex') };
}

describe('optimizer trajectories on a fixed seed', () => {
  const names = Object.keys(CASES);
  if (process.env.BKFAC_WRITE_TRAJECTORIES === '1') {
    writeFileSync(
      FIXTURE,
      JSON.stringify(Object.fromEntries(names.map((n) => [n, trajectory(n)])), null, 1) + '\n',
    );
  }
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<
    string,
    { losses: number[]; params: string }
  >;

  it.each(names)('%s follows the pinned trajectory bit for bit', (name) => {
    const got = trajectory(name);
    expect(got.losses).toHaveLength(STEPS);
    expect(got.losses.every(Number.isFinite)).toBe(true);
    expect(got.losses).toEqual(fixture[name]!.losses);
    expect(got.params).toBe(fixture[name]!.params);
  });

  it('training moved: the last loss differs from the first for every optimizer', () => {
    for (const name of names) {
      const { losses } = fixture[name]!;
      expect(losses[STEPS - 1]).not.toBe(losses[0]);
    }
  });
});
