import { createRng, fromRows } from '@bkfac/linalg';
import { resolveConfig } from '../src/config';
import { advanceFactor, type StepParams } from '../src/refresh';
import type { FactorState } from '../src/state';
import { createWorkspace } from '../src/workspace';

/**
 * A Brand step that lowers the rank from 6 to 4: D = [10, 9, 8, 7, 6, 5] on U = I[:, :6], ρ = 0.9,
 * increment M = 3·e₆ (a G-side batch of one row, pre-scaled so that sqrt((1−ρ)·n)·row = M).
 * ρD = [9, 8.1, 7.2, 6.3, 5.4, 4.5] and the batch lifts the 6th pair to 4.5 + 9 = 13.5.
 */
function rankDropStep(truncation: 'post' | 'pre'): Float64Array {
  const d = 20;
  const decay = 0.9;
  const config = resolveConfig({ strategy: 'b-kfac', decay, truncation });
  const previous = [10, 9, 8, 7, 6, 5];
  const vectors = new Float64Array(d * previous.length);
  previous.forEach((_, j) => (vectors[j * d + j] = 1));
  const factor: FactorState = {
    side: 'G',
    dim: d,
    tracking: 'brand',
    updates: 10,
    average: null,
    averageUpdates: 0,
    values: Float64Array.from(previous),
    vectors,
    refreshedAt: 10,
    rank: 4,
    scheduledRank: 4,
    ratios: [],
    rng: createRng(1).state(),
  };
  const row = new Array<number>(d).fill(0);
  row[5] = 3 / Math.sqrt((1 - decay) * 1);
  const params: StepParams = {
    step: 1,
    update: 1,
    inverse: 1,
    brand: 1,
    overwrite: 1,
    correction: 1,
    rank: 4,
    oversample: 0,
  };
  advanceFactor(factor, fromRows([row]), config, params, createWorkspace());
  return factor.values;
}

describe('Brand step truncation after a rank drop', () => {
  it("'post' keeps every current pair through the update, then truncates to the new rank", () => {
    const values = Array.from(rankDropStep('post'));
    const expected = [13.5, 9, 8.1, 7.2];
    expect(values).toHaveLength(4);
    values.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-12 * 13.5));
  });

  it("'pre' truncates the input to the new rank first, so the lifted 6th pair is lost", () => {
    // Kept input pairs ρ·[10, 9, 8, 7] = [9, 8.1, 7.2, 6.3] plus the batch direction (value 9).
    const values = Array.from(rankDropStep('pre'));
    const expected = [9, 9, 8.1, 7.2, 6.3];
    expect(values).toHaveLength(5);
    values.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-12 * 9));
  });
});
