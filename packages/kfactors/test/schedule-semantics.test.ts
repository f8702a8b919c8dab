import {
  createLayerState,
  nextRank,
  RSVD_RANK_RULE,
  statisticsDue,
  truncationRatio,
  updateLayer,
  type KFactorsConfig,
  type LayerState,
} from '@bkfac/kfactors';
import { createRng, reigh } from '@bkfac/linalg';
import ndarray from 'ndarray';
import type { Matrix } from '@bkfac/linalg';
import { matOf } from '../../../test-support/reference';
import { batches } from './helpers';

const DIMS = { inputDim: 21, outputDim: 6, batchSize: 3 };

function drive(
  config: KFactorsConfig,
  steps: number,
  onStep?: (s: LayerState, t: number) => void,
): LayerState {
  const state = createLayerState(config, DIMS);
  const { x, e } = batches(steps, 3, 20, 6, 17);
  for (let t = 0; t < steps; t++) {
    const due = statisticsDue(state, { step: t, epoch: 0 });
    updateLayer(
      state,
      { step: t, epoch: 0 },
      {
        inputs: due.inputs ? matOf(x[t]!) : null,
        gradients: due.gradients ? matOf(e[t]!) : null,
      },
    );
    onStep?.(state, t);
  }
  return state;
}

describe('statisticsDue', () => {
  it('pure B-KFAC: the LL factor needs inputs only every T_brand, the CaSL factor every T_updt', () => {
    const state = createLayerState(
      { strategy: 'b-kfac', rank: 4, periods: { update: 2, brand: 6 } },
      DIMS,
    );
    expect([state.a.tracking, state.g.tracking]).toEqual(['brand', 'dense']);
    const due = (t: number): boolean[] =>
      Object.values(statisticsDue(state, { step: t, epoch: 0 }));
    expect([0, 1, 2, 4, 6, 12].map(due)).toEqual([
      [true, true],
      [false, false],
      [false, true],
      [false, true],
      [true, true],
      [true, true],
    ]);
  });

  it('exactAverage and B-R dense copies need the LL statistics every T_updt', () => {
    for (const config of [
      { strategy: 'b-kfac', exactAverage: true },
      { strategy: 'b-r-kfac' },
    ] as KFactorsConfig[]) {
      const state = createLayerState(
        { ...config, rank: 4, periods: { update: 2, brand: 6, overwrite: 12 } },
        DIMS,
      );
      expect(statisticsDue(state, { step: 2, epoch: 0 }).inputs).toBe(true);
    }
  });

  it('follows per-epoch period schedules', () => {
    const state = createLayerState(
      { strategy: 'rs-kfac', periods: { update: { 0: 20, 5: 10 } } },
      DIMS,
    );
    expect(statisticsDue(state, { step: 30, epoch: 4 }).inputs).toBe(false);
    expect(statisticsDue(state, { step: 30, epoch: 5 }).inputs).toBe(true);
  });
});

describe('B-R bookkeeping', () => {
  const periods = { update: 1, inverse: 4, brand: 1, overwrite: 3, correction: 1 };

  it('the dense copy includes the step-0 batch', () => {
    const state = drive({ strategy: 'b-r-kfac', rank: 4, periods }, 1);
    expect(state.a.tracking).toBe('brand');
    expect([state.a.averageUpdates, state.a.updates]).toEqual([1, 1]);
  });

  it('a multiple of T_rsvd before T_inv does a normal Brand update (no batch dropped)', () => {
    const seen: number[] = [];
    drive({ strategy: 'b-r-kfac', rank: 4, periods }, 4, (s, t) => {
      if (t === 2) seen.push(s.a.updates);
      if (t === 3) seen.push(s.a.updates); // t = 3 = T_rsvd ≤ T_inv = 4
    });
    expect(seen).toEqual([3, 4]);
  });

  it('an overwrite step installs the RSVD of the dense copy, without correction', () => {
    let before: LayerState['a']['rng'] | null = null;
    drive({ strategy: 'b-kfac-c', rank: 4, periods }, 7, (s, t) => {
      if (t === 5) before = s.a.rng;
      if (t !== 6) return;
      const d = s.a.dim;
      const average = ndarray(s.a.average!, [d, d], [d, 1], 0) as Matrix;
      const want = reigh(average, 4, {
        method: 'svd',
        oversample: 10,
        powerIterations: 3,
        rng: createRng(before!),
      });
      expect(Array.from(s.a.values)).toEqual(Array.from(want.values));
      expect(s.a.updates).toBe(s.a.averageUpdates);
    });
  });
});

describe('rank schedules and adaptive ranks', () => {
  it('a rank schedule change resets the rank', () => {
    const ranks: number[] = [];
    const state = createLayerState(
      { strategy: 'rs-kfac', rank: { 0: 3, 1: 5 }, periods: { update: 1, inverse: 1 } },
      DIMS,
    );
    const { x, e } = batches(3, 3, 20, 6, 2);
    [0, 0, 1].forEach((epoch, t) => {
      updateLayer(state, { step: t, epoch }, { inputs: matOf(x[t]!), gradients: matOf(e[t]!) });
      ranks.push(state.a.values.length);
    });
    expect(ranks).toEqual([3, 3, 5]);
  });

  it('RSVD-tracked factors adapt every T_inv from their truncation ratios', () => {
    const rule = {
      target: 0.5,
      lowerMargin: 0.1,
      upperMargin: 0.1,
      decreaseStep: 1,
      increaseStep: 2,
      minRank: 2,
      maxRank: 9,
    };
    const history: number[][] = [];
    const state = drive(
      {
        strategy: 'rs-kfac',
        rank: 4,
        periods: { update: 1, inverse: 2 },
        adaptiveRank: { rsvd: rule },
      },
      5,
      (s) => history.push([...s.a.ratios]),
    );
    expect(state.a.ratios.length).toBe(3); // refreshes at t = 0, 2, 4
    expect(state.a.ratios[2]).toBe(truncationRatio(state.a.values));
    const resolved = { ...RSVD_RANK_RULE, ...rule };
    const afterT2 = nextRank(resolved, 4, history[2]!, 21);
    expect(state.a.rank).toBe(nextRank(resolved, afterT2, history[4]!, 21));
  });

  it('Brand-tracked factors adapt every T_brand·multiplier (not at step 0)', () => {
    const rule = {
      target: 2,
      lowerMargin: 0,
      upperMargin: 0,
      decreaseStep: 1,
      minRank: 1,
      maxRank: 10,
      periodMultiplier: 2,
    };
    const state = drive(
      {
        strategy: 'b-kfac',
        rank: 6,
        periods: { update: 1, brand: 1 },
        adaptiveRank: { brand: rule },
      },
      5,
    );
    expect(state.a.tracking).toBe('brand');
    expect(state.a.rank).toBe(4); // shrinks at t = 2 and t = 4, after that step's update
    expect(state.a.values.length).toBe(5);
  });
});
