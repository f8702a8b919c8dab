import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError, createRng, fromArray } from '@bkfac/linalg';
import {
  createLayerState,
  defineStrategy,
  resolveConfig,
  restoreLayer,
  snapshotLayer,
  strategyPeriods,
  strategySpec,
  updateLayer,
  STRATEGIES,
} from '@bkfac/kfactors';
import type { KFactorsConfig, LayerState, StrategySpec } from '@bkfac/kfactors';
import { BRAND_SRE } from '../../../test-support/strategies';

/** A wide A factor (Brand-tracked by the LL rule) and a narrow G factor (dense-tracked). */
const dims = { inputDim: 14, outputDim: 5, batchSize: 3, seed: 9 };
// Overwrites (T_rsvd) are far beyond the steps run, so b-kfac-c never overwrites here.
const periods = { update: 1, inverse: 2, brand: 1, overwrite: 1000, correction: 2 };

function run(strategy: KFactorsConfig['strategy'], steps: number): LayerState {
  const state = createLayerState({ strategy, rank: 2, periods }, dims);
  const rng = createRng(4);
  const batch = (d: number) =>
    fromArray(
      Float64Array.from({ length: 3 * d }, () => rng.normal()),
      [3, d],
    );
  for (let step = 0; step < steps; step++) {
    updateLayer(state, { step, epoch: 0 }, { inputs: batch(14), gradients: batch(5) });
  }
  return state;
}

describe('a strategy of one’s own is one record', () => {
  it('its Brand factor follows b-kfac-c and its dense factor sre-kfac, bit for bit', () => {
    const mine = run(defineStrategy(BRAND_SRE), 7);
    const withCorrection = run('b-kfac-c', 7);
    const sre = run('sre-kfac', 7);
    expect([mine.a.tracking, mine.g.tracking]).toEqual(['brand', 'dense']);
    // The correction needs the dense average, so the record keeps it without overwrites.
    expect(mine.a.average).not.toBeNull();
    expect(Array.from(mine.a.values)).toEqual(Array.from(withCorrection.a.values));
    expect(Array.from(mine.a.vectors)).toEqual(Array.from(withCorrection.a.vectors));
    expect(Array.from(mine.g.values)).toEqual(Array.from(sre.g.values));
    expect(Array.from(mine.g.vectors)).toEqual(Array.from(sre.g.vectors));
    expect(mine.a.values[0]).toBeGreaterThan(0);
  });

  it('survives a snapshot and restore with its record', () => {
    const state = run(defineStrategy(BRAND_SRE), 3);
    const snap = snapshotLayer(state);
    const back = restoreLayer({
      meta: JSON.parse(JSON.stringify(snap.meta)),
      buffers: snap.buffers,
    });
    expect(back.config.strategy).toEqual(BRAND_SRE);
    expect(Array.from(back.a.vectors)).toEqual(Array.from(state.a.vectors));
  });

  it('reads only the periods it uses', () => {
    expect(strategyPeriods(BRAND_SRE)).toEqual(['update', 'inverse', 'brand', 'correction']);
    expect(strategyPeriods(strategySpec('kfac'))).toEqual(['update', 'inverse']);
    // T_corr = 3 is not a multiple of T_brand = 2: rejected for a correcting strategy only.
    const bad = { update: 1, brand: 2, correction: 3 };
    expect(() => resolveConfig({ strategy: BRAND_SRE, periods: bad })).toThrow(
      /periods.correction/,
    );
    expect(() => resolveConfig({ strategy: 'b-kfac', periods: bad })).not.toThrow();
  });

  it.each([
    ['a built-in name', { ...BRAND_SRE, name: 'b-kfac' }, /spec.name/],
    [
      'an overwrite without Brand tracking',
      { ...BRAND_SRE, brand: false },
      /spec.overwrite|spec.correction/,
    ],
    [
      'Kronecker damping of truncated factors',
      { ...BRAND_SRE, defaultDamping: 'kronecker' },
      /defaultDamping/,
    ],
    ['an unknown refresh', { ...BRAND_SRE, denseRefresh: 'qr' }, /denseRefresh/],
    ['an upper-case name', { ...BRAND_SRE, name: 'Mine' }, /spec.name/],
  ])('rejects %s', (_what, spec, message) => {
    expect(() => defineStrategy(spec as StrategySpec)).toThrow(InvalidArgumentError);
    expect(() => defineStrategy(spec as StrategySpec)).toThrow(message);
  });

  it('a built-in record equals the table, and a tampered one is rejected', () => {
    for (const name of STRATEGIES) {
      expect(resolveConfig({ strategy: { ...strategySpec(name) } }).strategy).toBe(
        strategySpec(name),
      );
    }
    expect(() => resolveConfig({ strategy: { ...strategySpec('kfac'), brand: true } })).toThrow(
      /config.strategy/,
    );
  });
});
