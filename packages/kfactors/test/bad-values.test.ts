import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError, NonFiniteError } from '@bkfac/linalg';
import {
  BRAND_RANK_RULE,
  factorDamping,
  nextRank,
  normalizeSchedule,
  resolveConfig,
  scheduleValue,
  truncationRatio,
  type KFactorsConfig,
} from '@bkfac/kfactors';

describe('values that used to slip through', () => {
  it('factorDamping rejects decay = 1 (the identity term would never fade)', () => {
    const values = new Float64Array([2, 1]);
    expect(() => factorDamping('adaptive', values, 0.1, 1, 3)).toThrow(InvalidArgumentError);
    expect(() => factorDamping('adaptive', values, 0.1, 1, 3)).toThrow("argument 'decay'");
    expect(factorDamping('tikhonov', values, 0.1, 0.5, 1).mu).toBeCloseTo(0.1 * 2 + 0.5, 15);
  });

  it('resolveConfig rejects periods that are not an object of known schedules', () => {
    const bad = (periods: unknown): KFactorsConfig =>
      ({ strategy: 'b-kfac', periods }) as unknown as KFactorsConfig;
    expect(() => resolveConfig(bad(42))).toThrow(InvalidArgumentError);
    expect(() => resolveConfig(bad([20]))).toThrow(InvalidArgumentError);
    expect(() => resolveConfig(bad({ invers: 50 }))).toThrow('keys among update, inverse');
    expect(resolveConfig(bad({ update: 10, brand: 10 })).periods.update.values).toEqual([10]);
  });

  it('scheduleValue rejects a NaN epoch', () => {
    const s = normalizeSchedule('demo', 'damping', { 0: 0.1, 25: 0.05 });
    expect(() => scheduleValue(s, NaN)).toThrow(InvalidArgumentError);
    expect(scheduleValue(s, 25)).toBe(0.05);
  });

  it('truncationRatio rejects NaN and infinite eigenvalues', () => {
    expect(() => truncationRatio(new Float64Array([4, NaN, 1]))).toThrow(NonFiniteError);
    expect(() => truncationRatio([Infinity, 1])).toThrow("argument 'values'");
    expect(truncationRatio([4, 2, 1])).toBe(0.25);
  });

  it('nextRank rejects histories holding NaN or values outside [0, 1]', () => {
    expect(() => nextRank(BRAND_RANK_RULE, 10, [0.5, NaN], 100)).toThrow(InvalidArgumentError);
    expect(() => nextRank(BRAND_RANK_RULE, 10, [1.5], 100)).toThrow("argument 'history[0]'");
  });
});
