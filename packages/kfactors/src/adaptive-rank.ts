/**
 * Adaptive ranks: grow a factor's rank while its smallest
 * retained eigenvalue is large relative to the largest, shrink it otherwise.
 * @module
 */
import { InvalidArgumentError, NonFiniteError } from '@bkfac/linalg';
import { assertInteger, assertNumber } from '@bkfac/linalg/validate';

/**
 * A rank-adaptation rule. With `ε̄` the mean truncation ratio
 * ({@link truncationRatio}) of the last `periodMultiplier` refreshes:
 * if `ε̄ < target − lowerMargin` the rank becomes `min(max(r − decreaseStep, minRank), maxRank')`;
 * if `ε̄ > target + upperMargin` it becomes `min(r + increaseStep, maxRank')`;
 * otherwise it is unchanged, where `maxRank' = min(maxRank, d)`.
 *
 * @example
 * ```ts
 * import { RSVD_RANK_RULE } from '@bkfac/kfactors';
 * console.log([RSVD_RANK_RULE.minRank, RSVD_RANK_RULE.maxRank]); // [10, 700]
 * ```
 * @category Configuration
 */
export interface AdaptiveRankRule {
  /** Target ratio `τ` of smallest to largest retained eigenvalue. */
  readonly target: number;
  /** Shrink when the mean ratio is below `target − lowerMargin`. */
  readonly lowerMargin: number;
  /** Grow when the mean ratio is above `target + upperMargin`. */
  readonly upperMargin: number;
  /** Rank decrement. */
  readonly decreaseStep: number;
  /** Rank increment. */
  readonly increaseStep: number;
  /** Floor of a decrease. */
  readonly minRank: number;
  /** Cap (also capped by the factor size `d`). */
  readonly maxRank: number;
  /** Adapt every `periodMultiplier` refresh periods, averaging that many ratios. */
  readonly periodMultiplier: number;
  /** Ratios kept per factor (the reference keeps 30). */
  readonly historyLength: number;
}

/**
 * The reference rule of RSVD/REVD-tracked factors: `τ = 0.033`, shrink by 10 below
 * `τ − 0.007` (floor 10), grow by 10 above `τ + 0.02` (cap `min(700, d)`), every `T_inv`.
 *
 * @example
 * ```ts
 * import { nextRank, RSVD_RANK_RULE } from '@bkfac/kfactors';
 * console.log(nextRank(RSVD_RANK_RULE, 100, [0.2], 1000)); // 110
 * ```
 * @category Configuration
 */
export const RSVD_RANK_RULE: AdaptiveRankRule = {
  target: 0.033,
  lowerMargin: 0.007,
  upperMargin: 0.02,
  decreaseStep: 10,
  increaseStep: 10,
  minRank: 10,
  maxRank: 700,
  periodMultiplier: 1,
  historyLength: 30,
};

/**
 * The reference rule of Brand-tracked factors: `τ = 0.033`, shrink by 5 below
 * `τ − 0.02` (floor 70), grow by 10 above `τ + 0.015` (cap 500), every `5·T_brand`.
 * Asymmetric because truncated information is slow to regain.
 *
 * @example
 * ```ts
 * import { nextRank, BRAND_RANK_RULE } from '@bkfac/kfactors';
 * console.log(nextRank(BRAND_RANK_RULE, 72, [0, 0, 0, 0, 0], 4096)); // 70
 * ```
 * @category Configuration
 */
export const BRAND_RANK_RULE: AdaptiveRankRule = {
  target: 0.033,
  lowerMargin: 0.02,
  upperMargin: 0.015,
  decreaseStep: 5,
  increaseStep: 10,
  minRank: 70,
  maxRank: 500,
  periodMultiplier: 5,
  historyLength: 30,
};

/** The fields of an {@link AdaptiveRankRule}, all numbers. */
const RULE_KEYS = Object.keys(RSVD_RANK_RULE) as (keyof AdaptiveRankRule)[];

/**
 * Observed relative truncation `ε = min(D)/max(D)` of a retained spectrum
 * (order-agnostic, so ascending and descending inputs agree).
 *
 * @param values - retained eigenvalues, any order
 * @returns `ε`, or `null` when there is nothing to measure (empty or `max(D) ≤ 0`)
 * @throws {@link @bkfac/linalg!NonFiniteError} if `values` holds NaN or ±Infinity
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `values` is not an array or Float64Array of numbers
 * @example
 * ```ts
 * import { truncationRatio } from '@bkfac/kfactors';
 * console.log(truncationRatio(new Float64Array([4, 2, 1]))); // 0.25
 * ```
 * @category Configuration
 */
export function truncationRatio(values: ArrayLike<number>): number | null {
  const fn = 'truncationRatio';
  if (!Array.isArray(values) && !(values instanceof Float64Array)) {
    throw new InvalidArgumentError(fn, 'values', 'an array or a Float64Array of numbers', values);
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'number') throw new InvalidArgumentError(fn, 'values', 'numbers', v);
    if (!Number.isFinite(v)) throw new NonFiniteError(fn, 'values', `entry ${i}`, v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max > 0 ? Math.max(min, 0) / max : null;
}

/**
 * The rank after one adaptation of a rule, from a history of truncation ratios.
 *
 * @param rule - the rule
 * @param rank - current rank `r`
 * @param history - ratios, oldest first; the last `rule.periodMultiplier` are averaged
 * @param dim - factor size `d` (caps the rank)
 * @returns the new rank (unchanged if `history` is empty)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `rule` is not a valid rule (every field a number in range),
 *   `rank` or `dim` is not a positive integer, `history` is not an array,
 *   or a history entry is not a ratio in `[0, 1]`
 * @example
 * ```ts
 * import { nextRank, RSVD_RANK_RULE } from '@bkfac/kfactors';
 * console.log(nextRank(RSVD_RANK_RULE, 15, [0.001], 100)); // 10
 * ```
 * @category Configuration
 */
export function nextRank(
  rule: AdaptiveRankRule,
  rank: number,
  history: readonly number[],
  dim: number,
): number {
  const fn = 'nextRank';
  if (
    typeof rule !== 'object' ||
    rule === null ||
    RULE_KEYS.some((k) => typeof (rule as unknown as Record<string, unknown>)[k] !== 'number')
  ) {
    throw new InvalidArgumentError(
      fn,
      'rule',
      `an AdaptiveRankRule (${RULE_KEYS.join(', ')})`,
      rule,
    );
  }
  resolveRankRule(fn, 'rule', 'rsvd', rule);
  assertInteger(fn, 'rank', rank, 1);
  assertInteger(fn, 'dim', dim, 1);
  if (!Array.isArray(history)) throw new InvalidArgumentError(fn, 'history', 'an array', history);
  history.forEach((ratio, i) => {
    if (!(ratio >= 0 && ratio <= 1)) {
      throw new InvalidArgumentError('nextRank', `history[${i}]`, 'a ratio in [0, 1]', ratio);
    }
  });
  const count = Math.min(rule.periodMultiplier, history.length);
  if (count === 0) return rank;
  let sum = 0;
  for (let i = history.length - count; i < history.length; i++) sum += history[i]!;
  const mean = sum / count;
  const cap = Math.min(rule.maxRank, dim);
  if (mean < rule.target - rule.lowerMargin) {
    return Math.min(Math.max(rank - rule.decreaseStep, rule.minRank), cap);
  }
  if (mean > rule.target + rule.upperMargin) return Math.min(rank + rule.increaseStep, cap);
  return rank;
}

/**
 * Resolves the `adaptiveRank` option of a configuration.
 * @internal
 */
export function resolveRankRule(
  fn: string,
  arg: string,
  kind: 'rsvd' | 'brand',
  option: boolean | Partial<AdaptiveRankRule> | undefined,
): AdaptiveRankRule | null {
  if (option === undefined || option === false) return null;
  const base = kind === 'rsvd' ? RSVD_RANK_RULE : BRAND_RANK_RULE;
  if (option === true) return base;
  if (typeof option !== 'object' || option === null) {
    throw new InvalidArgumentError(fn, arg, 'a boolean or a partial AdaptiveRankRule', option);
  }
  const rule = { ...base, ...option };
  const num = (key: keyof AdaptiveRankRule, min: number): number =>
    assertNumber(fn, `${arg}.${key}`, rule[key], min);
  const int = (key: keyof AdaptiveRankRule, min: number): number =>
    assertInteger(fn, `${arg}.${key}`, rule[key], min);
  const minRank = int('minRank', 1);
  const resolved: AdaptiveRankRule = {
    target: num('target', 0),
    lowerMargin: num('lowerMargin', 0),
    upperMargin: num('upperMargin', 0),
    decreaseStep: int('decreaseStep', 0),
    increaseStep: int('increaseStep', 0),
    minRank,
    maxRank: int('maxRank', minRank),
    periodMultiplier: int('periodMultiplier', 1),
    historyLength: int('historyLength', 1),
  };
  if (resolved.historyLength < resolved.periodMultiplier) {
    throw new InvalidArgumentError(
      fn,
      `${arg}.historyLength`,
      `at least periodMultiplier (${resolved.periodMultiplier})`,
      resolved.historyLength,
    );
  }
  return resolved;
}
