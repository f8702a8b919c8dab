import {
  InvalidScheduleError,
  normalizeSchedule,
  resolveConfig,
  scheduleValue,
  type KFactorsConfig,
} from '@bkfac/kfactors';
import { InvalidArgumentError } from '@bkfac/linalg';

describe('piecewise schedules', () => {
  const damping = normalizeSchedule('t', 'damping', { 35: 0.01, 0: 0.1, 7: 0.1, 25: 0.05 });

  it.each([
    [0, 0.1],
    [6, 0.1],
    [7, 0.1],
    [24, 0.1],
    [24.99, 0.1],
    [25, 0.05],
    [34, 0.05],
    [35, 0.01],
    [1000, 0.01],
  ])('damping at epoch %p is %p', (epoch, value) =>
    expect(scheduleValue(damping, epoch)).toBe(value),
  );

  it('normalizes a constant', () =>
    expect(normalizeSchedule('t', 'x', 3)).toEqual({ epochs: [0], values: [3] }));

  it.each([
    [{ 5: 1 }, 'an entry for epoch 0'],
    [{}, 'an entry for epoch 0'],
    [{ 0: 1, '-1': 2 }, 'non-negative integers'],
    [{ 0: 1, 1.5: 2 }, 'non-negative integers'],
    [{ 0: Number.NaN }, 'a finite number'],
    [[1, 2], 'a number or an object'],
  ])('rejects %p', (schedule, message) => {
    expect(() => normalizeSchedule('t', 'x', schedule as never)).toThrow(InvalidScheduleError);
    expect(() => normalizeSchedule('t', 'x', schedule as never)).toThrow(message);
  });

  it('checks bounds and integrality, naming the epoch', () => {
    const call = (): unknown =>
      normalizeSchedule('t', 'rank', { 0: 10, 4: 2.5 }, { min: 1, integer: true });
    expect(call).toThrow(InvalidScheduleError);
    try {
      call();
    } catch (e) {
      expect((e as InvalidScheduleError).epoch).toBe(4);
      expect(e).toBeInstanceOf(InvalidArgumentError);
    }
  });
});

describe('configuration and period consistency', () => {
  it('fills the reference defaults', () => {
    const c = resolveConfig({ strategy: 'b-kfac-c' });
    expect(c.decay).toBe(0.95);
    expect(c.damping).toEqual({ epochs: [0, 7, 25, 35], values: [0.1, 0.1, 0.05, 0.01] });
    expect([c.periods.update.values, c.periods.inverse.values, c.periods.brand.values]).toEqual([
      [20],
      [100],
      [20],
    ]);
    expect([c.periods.overwrite.values, c.periods.correction.values]).toEqual([[500], [100]]);
    expect([c.rank.values, c.oversample.values, c.powerIterations]).toEqual([[220], [10], 3]);
    expect([c.truncation, c.correctionFraction, c.clip, c.dampingMode, c.brandRule]).toEqual([
      'post',
      0.2,
      0.07,
      'adaptive',
      'auto',
    ]);
    expect([c.adaptiveRank.rsvd, c.adaptiveRank.brand, c.eigenvalueCutoff, c.exactAverage]).toEqual(
      [null, null, 1e-10, false],
    );
    expect(resolveConfig({ strategy: 'kfac' }).dampingMode).toBe('kronecker');
  });

  it.each<[string, KFactorsConfig, string]>([
    [
      'T_brand not a multiple of T_updt',
      { strategy: 'b-kfac', periods: { update: 20, brand: 30 } },
      'periods.brand',
    ],
    [
      'T_rsvd not a multiple of T_brand',
      { strategy: 'b-r-kfac', periods: { brand: 40, overwrite: 100 } },
      'periods.overwrite',
    ],
    [
      'T_corr not a multiple of T_brand',
      { strategy: 'b-kfac-c', periods: { brand: 20, correction: 30 } },
      'periods.correction',
    ],
    [
      'inconsistent only from epoch 5',
      { strategy: 'b-kfac', periods: { update: { 0: 20, 5: 25 }, brand: 60 } },
      'periods.brand',
    ],
    ['zero period', { strategy: 'rs-kfac', periods: { inverse: 0 } }, 'periods.inverse'],
    ['fractional period', { strategy: 'kfac', periods: { update: 2.5 } }, 'periods.update'],
  ])('rejects %s', (_name, config, arg) => {
    expect(() => resolveConfig(config)).toThrow(InvalidScheduleError);
    expect(() => resolveConfig(config)).toThrow(arg);
  });

  it('reports the first inconsistent epoch', () => {
    try {
      resolveConfig({ strategy: 'b-kfac', periods: { update: { 0: 20, 5: 25 }, brand: 60 } });
      throw new Error('no error');
    } catch (e) {
      expect((e as InvalidScheduleError).epoch).toBe(5);
    }
  });

  it('ignores periods a strategy does not use', () => {
    expect(() =>
      resolveConfig({ strategy: 'rs-kfac', periods: { update: 20, brand: 30 } }),
    ).not.toThrow();
    expect(() =>
      resolveConfig({ strategy: 'b-kfac', periods: { brand: 20, overwrite: 30 } }),
    ).not.toThrow();
    expect(() =>
      resolveConfig({ strategy: 'b-r-kfac', periods: { brand: 20, correction: 30 } }),
    ).not.toThrow();
  });

  it.each<[string, KFactorsConfig]>([
    ['an unknown strategy', { strategy: 'sgd' as never }],
    ['kronecker damping on a low-rank strategy', { strategy: 'rs-kfac', dampingMode: 'kronecker' }],
    ['an unknown damping mode', { strategy: 'kfac', dampingMode: 'none' as never }],
    ['decay 1', { strategy: 'kfac', decay: 1 }],
    ['decay 0', { strategy: 'kfac', decay: 0 }],
    ['negative clip', { strategy: 'kfac', clip: -1 }],
    ['negative power iterations', { strategy: 'rs-kfac', powerIterations: -1 }],
    ['an unknown truncation', { strategy: 'b-kfac', truncation: 'mid' as never }],
    ['fraction 0', { strategy: 'b-kfac-c', correctionFraction: 0 }],
    [
      'an adaptive rule with maxRank < minRank',
      { strategy: 'b-kfac', adaptiveRank: { brand: { minRank: 50, maxRank: 10 } } },
    ],
    [
      'an adaptive rule with a short history',
      { strategy: 'b-kfac', adaptiveRank: { brand: { historyLength: 2 } } },
    ],
    ['a non-object adaptive rule', { strategy: 'b-kfac', adaptiveRank: { rsvd: 3 as never } }],
    ['an unknown brand rule', { strategy: 'b-kfac', brandRule: 'never' as never }],
  ])('rejects %s', (_name, config) =>
    expect(() => resolveConfig(config)).toThrow(InvalidArgumentError),
  );

  it.each<[string, KFactorsConfig]>([
    ['rank 0', { strategy: 'rs-kfac', rank: 0 }],
    ['fractional rank', { strategy: 'rs-kfac', rank: { 0: 10, 3: 10.5 } }],
    ['negative damping', { strategy: 'rs-kfac', damping: { 0: -0.1 } }],
    ['negative oversampling', { strategy: 'rs-kfac', oversample: -1 }],
  ])('rejects a schedule with %s', (_name, config) =>
    expect(() => resolveConfig(config)).toThrow(InvalidScheduleError),
  );
});
