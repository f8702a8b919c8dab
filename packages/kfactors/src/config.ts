/**
 * Strategy configuration: every paper algorithm is one `strategy` name plus
 * data (periods, damping, ranks), validated once by {@link resolveConfig}.
 * @module
 */
import {
  assertInteger,
  assertNumber,
  InvalidArgumentError,
  MAX_POWER_ITERATIONS,
} from '@bkfac/linalg';
import { InvalidScheduleError } from './errors.js';
import { normalizeSchedule, scheduleValue } from './schedule.js';
import type { NormalizedSchedule, PiecewiseSchedule } from './schedule.js';
import { resolveRankRule } from './adaptive-rank.js';
import { assertDecay } from './damping.js';
import type { AdaptiveRankRule } from './adaptive-rank.js';

/**
 * The six algorithms:
 * `kfac` dense EA + full `eigh` every `T_inv`; `rs-kfac` dense EA + RSVD;
 * `sre-kfac` dense EA + symmetric randomized EVD; `b-kfac` Brand-updated
 * low-rank factors (never `d x d`); `b-r-kfac` Brand + periodic RSVD overwrite
 * from a dense copy; `b-kfac-c` B-R plus the Rayleigh–Ritz correction.
 *
 * @example
 * ```ts
 * import { STRATEGIES, type StrategyName } from '@bkfac/kfactors';
 * const s: StrategyName = 'b-kfac';
 * console.log(STRATEGIES.includes(s)); // true
 * ```
 * @category Configuration
 */
export type StrategyName = 'kfac' | 'rs-kfac' | 'sre-kfac' | 'b-kfac' | 'b-r-kfac' | 'b-kfac-c';

/**
 * Every {@link StrategyName}, in the order of the papers.
 *
 * @example
 * ```ts
 * import { STRATEGIES } from '@bkfac/kfactors';
 * console.log(STRATEGIES.length); // 6
 * ```
 * @category Configuration
 */
export const STRATEGIES: readonly StrategyName[] = [
  'kfac',
  'rs-kfac',
  'sre-kfac',
  'b-kfac',
  'b-r-kfac',
  'b-kfac-c',
];

/**
 * How each factor's inverse is damped:
 * - `'adaptive'`: the family's rule, `μ = λ·max D + ρ^k + min D` with the
 *   truncated spectrum continued flat at `min D`;
 * - `'tikhonov'`: per-factor `μ = λ·max D + ρ^k` without continuation (dense
 *   per-factor-damped K-FAC, the common full-rank limit of the family);
 * - `'kronecker'`: K-FAC's damping of the Kronecker product,
 *   `(g aᵀ + λ·max g·max a)`, only for `kfac`.
 *
 * @example
 * ```ts
 * import type { DampingMode } from '@bkfac/kfactors';
 * const mode: DampingMode = 'adaptive';
 * console.log(mode); // adaptive
 * ```
 * @category Configuration
 */
export type DampingMode = 'adaptive' | 'tikhonov' | 'kronecker';

/**
 * When a Brand-tracked factor is truncated to its rank `r`:
 * `'post'` right after each update (inverse and next update use rank `r`;
 * every script of the authors), `'pre'` at the start of the next update
 * (the inverse uses rank `r + n`).
 *
 * @example
 * ```ts
 * import type { TruncationVariant } from '@bkfac/kfactors';
 * const t: TruncationVariant = 'post';
 * console.log(t); // post
 * ```
 * @category Configuration
 */
export type TruncationVariant = 'pre' | 'post';

/**
 * Which factors of the Brand strategies are Brand-tracked:
 * `'auto'` applies the LL rule `r_check + n < d` (others fall back to RS-KFAC);
 * `'force'` Brand-tracks every factor (for ablations and full-rank checks).
 *
 * @example
 * ```ts
 * import type { BrandRule } from '@bkfac/kfactors';
 * const rule: BrandRule = 'auto';
 * console.log(rule); // auto
 * ```
 * @category Configuration
 */
export type BrandRule = 'auto' | 'force';

/**
 * Periods in optimizer steps, each constant or piecewise per epoch. A factor
 * works at step `t` when `t % period === 0` (step 0 included).
 *
 * @example
 * ```ts
 * import type { PeriodsConfig } from '@bkfac/kfactors';
 * const periods: PeriodsConfig = { update: { 0: 20, 5: 10 }, inverse: 100 };
 * console.log(periods.inverse); // 100
 * ```
 * @category Configuration
 */
export interface PeriodsConfig {
  /** `T_updt`: statistics / EA updates (default 20). */
  readonly update?: PiecewiseSchedule;
  /** `T_inv`: decompositions of dense-tracked factors (default 100). */
  readonly inverse?: PiecewiseSchedule;
  /** `T_brand`: Brand updates, a multiple of `T_updt` (default 20). */
  readonly brand?: PiecewiseSchedule;
  /** `T_rsvd`: B-R overwrite from the dense copy, a multiple of `T_brand` (default 500). */
  readonly overwrite?: PiecewiseSchedule;
  /** `T_corr`: B-KFAC-c corrections, a multiple of `T_brand` (default 100). */
  readonly correction?: PiecewiseSchedule;
}

/**
 * Configuration of a layer's K-factors. Only `strategy` is required; every
 * other field defaults to the values of the papers' reference implementation.
 *
 * @example
 * ```ts
 * import { resolveConfig, type KFactorsConfig } from '@bkfac/kfactors';
 * const config: KFactorsConfig = { strategy: 'rs-kfac', rank: 64, damping: { 0: 0.1, 25: 0.05 } };
 * console.log(resolveConfig(config).dampingMode); // adaptive
 * ```
 * @category Configuration
 */
export interface KFactorsConfig {
  /** The algorithm. */
  readonly strategy: StrategyName;
  /** EA decay `ρ` in `(0, 1)` (default 0.95). */
  readonly decay?: number;
  /** Damping `λ` per epoch, `≥ 0` (default `{ 0: 0.1, 7: 0.1, 25: 0.05, 35: 0.01 }`). */
  readonly damping?: PiecewiseSchedule;
  /** Damping mode (default `'kronecker'` for `kfac`, `'adaptive'` otherwise). */
  readonly dampingMode?: DampingMode;
  /** Step periods (defaults in {@link PeriodsConfig}). */
  readonly periods?: PeriodsConfig;
  /**
   * Target rank `r ≥ 1` per epoch (default 220). A factor of size `d` uses
   * `min(r, d)`, so one rank serves layers of every width.
   */
  readonly rank?: PiecewiseSchedule;
  /** RSVD/REVD oversampling `o ≥ 0` per epoch (default 10; capped at `d − r`). */
  readonly oversample?: PiecewiseSchedule;
  /** Power (subspace) iterations `p ∈ [0, MAX_POWER_ITERATIONS]` of RSVD/REVD (default 3), see {@link @bkfac/linalg!MAX_POWER_ITERATIONS}. */
  readonly powerIterations?: number;
  /** Brand truncation variant (default `'post'`). */
  readonly truncation?: TruncationVariant;
  /** Fraction `φ ∈ (0, 1]` of columns a B-KFAC-c correction rotates (default 0.2). */
  readonly correctionFraction?: number;
  /**
   * Adaptive ranks: `true` for the reference rules, a partial rule to
   * override fields, `false`/absent for fixed ranks.
   */
  readonly adaptiveRank?: {
    /** Rule of RSVD/REVD-tracked factors (adapts every `T_inv·periodMultiplier` steps). */
    readonly rsvd?: boolean | Partial<AdaptiveRankRule>;
    /** Rule of Brand-tracked factors (adapts every `T_brand·periodMultiplier` steps). */
    readonly brand?: boolean | Partial<AdaptiveRankRule>;
  };
  /**
   * Relative eigenvalue cut-off: after every decomposition, eigenvalues
   * `≤ cutoff·max(D)` are set to 0 (default 1e-10).
   */
  readonly eigenvalueCutoff?: number;
  /** LL rule for the Brand strategies (default `'auto'`). */
  readonly brandRule?: BrandRule;
  /** Per-layer RMS clip `κ > 0` of the preconditioned update, or `null` for none (default 0.07). */
  readonly clip?: number | null;
  /**
   * Keep an exact zero-initialised dense EA of every factor (updated every
   * `T_updt`) so {@link inversionError} works for every strategy (default
   * `false`; dense-tracked factors and B-R copies already have one).
   */
  readonly exactAverage?: boolean;
}

/**
 * Default of every period (steps): the one list of {@link PeriodsConfig}'s keys, so any other
 * key is a typo, rejected rather than ignored.
 */
const PERIOD_DEFAULTS: Readonly<Record<keyof PeriodsConfig, number>> = {
  update: 20,
  inverse: 100,
  brand: 20,
  overwrite: 500,
  correction: 100,
};
const PERIOD_KEYS = Object.keys(PERIOD_DEFAULTS) as (keyof PeriodsConfig)[];

/**
 * Resolved periods, each a normalized schedule.
 *
 * @example
 * ```ts
 * import { resolveConfig, scheduleValue } from '@bkfac/kfactors';
 * const { periods } = resolveConfig({ strategy: 'b-r-kfac', periods: { overwrite: { 0: 500, 5: 200 } } });
 * console.log(scheduleValue(periods.overwrite, 6)); // 200
 * ```
 * @category Configuration
 */
export interface ResolvedPeriods {
  /** `T_updt`. */
  readonly update: NormalizedSchedule;
  /** `T_inv`. */
  readonly inverse: NormalizedSchedule;
  /** `T_brand`. */
  readonly brand: NormalizedSchedule;
  /** `T_rsvd`. */
  readonly overwrite: NormalizedSchedule;
  /** `T_corr`. */
  readonly correction: NormalizedSchedule;
}

/**
 * A validated {@link KFactorsConfig} with every default filled in; plain
 * JSON-compatible data (it is stored inside each layer state).
 *
 * @example
 * ```ts
 * import { resolveConfig } from '@bkfac/kfactors';
 * const c = resolveConfig({ strategy: 'b-kfac' });
 * console.log([c.decay, c.truncation, c.clip]); // [0.95, "post", 0.07]
 * ```
 * @category Configuration
 */
export interface ResolvedConfig {
  /** The algorithm. */
  readonly strategy: StrategyName;
  /** `ρ`. */
  readonly decay: number;
  /** `λ` per epoch. */
  readonly damping: NormalizedSchedule;
  /** Damping mode. */
  readonly dampingMode: DampingMode;
  /** Step periods. */
  readonly periods: ResolvedPeriods;
  /** Target rank per epoch. */
  readonly rank: NormalizedSchedule;
  /** Oversampling per epoch. */
  readonly oversample: NormalizedSchedule;
  /** Power iterations. */
  readonly powerIterations: number;
  /** Brand truncation variant. */
  readonly truncation: TruncationVariant;
  /** Correction fraction `φ`. */
  readonly correctionFraction: number;
  /** Adaptive rank rule of RSVD/REVD-tracked factors, or `null`. */
  readonly rsvdRankRule: AdaptiveRankRule | null;
  /** Adaptive rank rule of Brand-tracked factors, or `null`. */
  readonly brandRankRule: AdaptiveRankRule | null;
  /** Relative eigenvalue cut-off. */
  readonly eigenvalueCutoff: number;
  /** LL rule. */
  readonly brandRule: BrandRule;
  /** RMS clip `κ`, or `null`. */
  readonly clip: number | null;
  /** Whether an exact dense EA is kept for diagnostics. */
  readonly exactAverage: boolean;
}

/** The damping schedule of the papers' reference implementation. */
const DEFAULT_DAMPING: PiecewiseSchedule = { 0: 0.1, 7: 0.1, 25: 0.05, 35: 0.01 };

const DAMPING_MODES: readonly DampingMode[] = ['adaptive', 'tikhonov', 'kronecker'];

/**
 * Validates a configuration and fills in the defaults.
 *
 * @param config - the user configuration
 * @returns the resolved configuration
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on an unknown strategy or damping mode, a value out of
 *   range, or `'kronecker'` damping with a strategy other than `kfac`
 * @throws {@link InvalidScheduleError} on a malformed schedule or inconsistent periods (*   `T_brand % T_updt`, `T_rsvd % T_brand` and `T_corr % T_brand` must be 0 for the
 *   strategies that use them, at every epoch)
 * @example
 * ```ts
 * import { resolveConfig } from '@bkfac/kfactors';
 * console.log(resolveConfig({ strategy: 'kfac' }).dampingMode); // kronecker
 * ```
 * @category Configuration
 */
export function resolveConfig(config: KFactorsConfig): ResolvedConfig {
  return resolveConfigAs('resolveConfig', 'config', config);
}

/** Configurations returned by {@link resolveConfigAs}: deeply frozen, so membership proves validity. */
const RESOLVED = new WeakSet<object>();

/**
 * {@link resolveConfig} on behalf of `fn`, whose argument `arg` holds the configuration.
 * @internal
 */
export function resolveConfigAs(fn: string, arg: string, config: KFactorsConfig): ResolvedConfig {
  if (typeof config !== 'object' || config === null) {
    throw new InvalidArgumentError(fn, arg, 'an object', config);
  }
  const strategy = oneOf(fn, `${arg}.strategy`, config.strategy, STRATEGIES);
  const dampingMode = oneOf(
    fn,
    `${arg}.dampingMode`,
    config.dampingMode ?? (strategy === 'kfac' ? 'kronecker' : 'adaptive'),
    DAMPING_MODES,
  );
  if (dampingMode === 'kronecker' && strategy !== 'kfac') {
    throw new InvalidArgumentError(
      fn,
      `${arg}.dampingMode`,
      "'adaptive' or 'tikhonov' for a low-rank strategy ('kronecker' needs the full eigenbases of 'kfac')",
      dampingMode,
    );
  }
  const p = config.periods ?? {};
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    throw new InvalidArgumentError(fn, `${arg}.periods`, 'an object of period schedules', p);
  }
  for (const key of Object.keys(p)) {
    if (!PERIOD_KEYS.includes(key as keyof PeriodsConfig)) {
      throw new InvalidArgumentError(
        fn,
        `${arg}.periods`,
        `keys among ${PERIOD_KEYS.join(', ')}`,
        key,
      );
    }
  }
  const period = (key: keyof PeriodsConfig): NormalizedSchedule =>
    normalizeSchedule(fn, `${arg}.periods.${key}`, p[key] ?? PERIOD_DEFAULTS[key], {
      min: 1,
      integer: true,
    });
  const periods: ResolvedPeriods = {
    update: period('update'),
    inverse: period('inverse'),
    brand: period('brand'),
    overwrite: period('overwrite'),
    correction: period('correction'),
  };
  checkPeriodConsistency(fn, arg, strategy, periods);
  const clip = config.clip === undefined ? 0.07 : config.clip;
  const resolved: ResolvedConfig = {
    strategy,
    decay: assertDecay(fn, `${arg}.decay`, config.decay ?? 0.95),
    damping: normalizeSchedule(fn, `${arg}.damping`, config.damping ?? DEFAULT_DAMPING, { min: 0 }),
    dampingMode,
    periods,
    rank: normalizeSchedule(fn, `${arg}.rank`, config.rank ?? 220, { min: 1, integer: true }),
    oversample: normalizeSchedule(fn, `${arg}.oversample`, config.oversample ?? 10, {
      min: 0,
      integer: true,
    }),
    powerIterations: assertInteger(
      fn,
      `${arg}.powerIterations`,
      config.powerIterations ?? 3,
      0,
      MAX_POWER_ITERATIONS,
    ),
    truncation: oneOf(fn, `${arg}.truncation`, config.truncation ?? 'post', ['pre', 'post']),
    correctionFraction: assertNumber(
      fn,
      `${arg}.correctionFraction`,
      config.correctionFraction ?? 0.2,
      Number.MIN_VALUE,
      1,
    ),
    rsvdRankRule: resolveRankRule(
      fn,
      `${arg}.adaptiveRank.rsvd`,
      'rsvd',
      config.adaptiveRank?.rsvd,
    ),
    brandRankRule: resolveRankRule(
      fn,
      `${arg}.adaptiveRank.brand`,
      'brand',
      config.adaptiveRank?.brand,
    ),
    eigenvalueCutoff: assertNumber(
      fn,
      `${arg}.eigenvalueCutoff`,
      config.eigenvalueCutoff ?? 1e-10,
      0,
      1,
    ),
    brandRule: oneOf(fn, `${arg}.brandRule`, config.brandRule ?? 'auto', ['auto', 'force']),
    clip: clip === null ? null : assertNumber(fn, `${arg}.clip`, clip, Number.MIN_VALUE),
    exactAverage: oneOf(fn, `${arg}.exactAverage`, config.exactAverage ?? false, [true, false]),
  };
  deepFreeze(resolved);
  RESOLVED.add(resolved);
  return resolved;
}

/**
 * Whether a strategy Brand-tracks (some of) its factors.
 * @internal
 */
export function usesBrand(strategy: StrategyName): boolean {
  return strategy === 'b-kfac' || strategy === 'b-r-kfac' || strategy === 'b-kfac-c';
}

/**
 * Whether a strategy keeps a dense copy of Brand-tracked factors and overwrites from it.
 * @internal
 */
export function usesOverwrite(strategy: StrategyName): boolean {
  return strategy === 'b-r-kfac' || strategy === 'b-kfac-c';
}

/**
 * The Brand period must be a multiple of the statistics period, the
 * overwrite and correction periods multiples of the Brand period, at every
 * epoch where any period changes.
 */
function checkPeriodConsistency(
  fn: string,
  arg: string,
  strategy: StrategyName,
  periods: ResolvedPeriods,
): void {
  if (!usesBrand(strategy)) return;
  const boundaries = new Set<number>();
  for (const s of Object.values(periods)) for (const e of s.epochs) boundaries.add(e);
  for (const epoch of [...boundaries].sort((x, y) => x - y)) {
    const at = (s: NormalizedSchedule): number => scheduleValue(s, epoch);
    const [update, brand] = [at(periods.update), at(periods.brand)];
    if (brand % update !== 0) {
      throw new InvalidScheduleError(
        fn,
        `${arg}.periods.brand`,
        `a multiple of periods.update (${update}) at epoch ${epoch}`,
        brand,
        epoch,
      );
    }
    if (!usesOverwrite(strategy)) continue;
    const checks = [
      ['overwrite', at(periods.overwrite)],
      ...(strategy === 'b-kfac-c' ? [['correction', at(periods.correction)] as const] : []),
    ] as const;
    for (const [name, value] of checks) {
      if (value % brand !== 0) {
        throw new InvalidScheduleError(
          fn,
          `${arg}.periods.${name}`,
          `a multiple of periods.brand (${brand}) at epoch ${epoch}`,
          value,
          epoch,
        );
      }
    }
  }
}

function oneOf<T>(fn: string, arg: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new InvalidArgumentError(
      fn,
      arg,
      `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
      value,
    );
  }
  return value as T;
}

/**
 * The {@link KFactorsConfig} that resolves to `resolved`, so a stored or
 * hand-built configuration can be validated again by {@link resolveConfigAs}.
 * @internal
 */
export function toUserConfig(fn: string, arg: string, resolved: unknown): KFactorsConfig {
  if (typeof resolved !== 'object' || resolved === null) {
    throw new InvalidArgumentError(fn, arg, 'a resolved configuration', resolved);
  }
  const r = resolved as Partial<Record<keyof ResolvedConfig, unknown>>;
  const s = (schedule: unknown, key: string): PiecewiseSchedule => {
    const { epochs, values } = (schedule ?? {}) as Partial<NormalizedSchedule>;
    if (!Array.isArray(epochs) || !Array.isArray(values) || epochs.length !== values.length) {
      throw new InvalidArgumentError(
        fn,
        `${arg}.${key}`,
        'a normalized schedule { epochs, values }',
        schedule,
      );
    }
    return Object.fromEntries(epochs.map((e, i) => [e, values[i]!]));
  };
  const p = (r.periods ?? {}) as Partial<Record<keyof ResolvedPeriods, unknown>>;
  const rule = (x: unknown) => (x === null ? false : (x as Partial<AdaptiveRankRule>));
  return {
    strategy: r.strategy as StrategyName,
    decay: r.decay as number,
    damping: s(r.damping, 'damping'),
    dampingMode: r.dampingMode as DampingMode,
    periods: Object.fromEntries(
      PERIOD_KEYS.map((key) => [key, s(p[key], `periods.${key}`)]),
    ) as PeriodsConfig,
    rank: s(r.rank, 'rank'),
    oversample: s(r.oversample, 'oversample'),
    powerIterations: r.powerIterations as number,
    truncation: r.truncation as TruncationVariant,
    correctionFraction: r.correctionFraction as number,
    adaptiveRank: { rsvd: rule(r.rsvdRankRule), brand: rule(r.brandRankRule) },
    eigenvalueCutoff: r.eigenvalueCutoff as number,
    brandRule: r.brandRule as BrandRule,
    clip: r.clip as number | null,
    exactAverage: r.exactAverage as boolean,
  };
}

/**
 * Asserts that `config` is a configuration as {@link resolveConfig} returns it:
 * O(1) for the library's own (frozen) results, otherwise resolved again and compared.
 * @internal
 */
export function assertResolvedConfig(
  fn: string,
  arg: string,
  config: unknown,
): asserts config is ResolvedConfig {
  if (typeof config === 'object' && config !== null && RESOLVED.has(config)) return;
  const again = resolveConfigAs(fn, arg, toUserConfig(fn, arg, config));
  if (!sameData(again, config)) {
    throw new InvalidArgumentError(
      fn,
      arg,
      'a configuration as resolveConfig returns it',
      'one that resolves differently (unsorted schedules or missing defaults)',
    );
  }
}

/** Whether `actual` holds every field of `expected` with the same value (numbers by `Object.is`). */
function sameData(expected: unknown, actual: unknown): boolean {
  if (typeof expected !== 'object' || expected === null) return Object.is(expected, actual);
  if (typeof actual !== 'object' || actual === null) return false;
  if (Array.isArray(expected) !== Array.isArray(actual)) return false;
  const keys = Object.keys(expected);
  if (Array.isArray(expected) && keys.length !== Object.keys(actual).length) return false;
  return keys.every((k) =>
    sameData((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k]),
  );
}

function deepFreeze(x: object): void {
  for (const v of Object.values(x)) if (typeof v === 'object' && v !== null) deepFreeze(v);
  Object.freeze(x);
}
