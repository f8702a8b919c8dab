/**
 * Strategy configuration: an algorithm (a name or a {@link StrategySpec}) plus
 * data (periods, damping, ranks), validated once by {@link resolveConfig}. Every
 * option is one entry of a field table that resolves, serialises and restores it.
 * @module
 */
import { InvalidArgumentError, MAX_POWER_ITERATIONS } from '@bkfac/linalg';
import { assertInteger, assertNumber } from '@bkfac/linalg/validate';
import { InvalidScheduleError } from './errors.js';
import { DAMPING_MODES, fullEigenbases, specAs } from './strategy.js';
import type { DampingMode, StrategyName, StrategySpec } from './strategy.js';
import { normalizeSchedule, scheduleValue } from './schedule.js';
import type { NormalizedSchedule, PiecewiseSchedule } from './schedule.js';
import { resolveRankRule } from './adaptive-rank.js';
import { assertDecay } from './damping.js';
import type { AdaptiveRankRule } from './adaptive-rank.js';

/**
 * When a Brand-tracked factor is truncated to its rank `r`:
 * `'post'` right after each update (inverse and next update use rank `r`;
 * every script of the authors), `'pre'` at the start of the next update
 * (the inverse uses rank `r + n`).
 *
 * @example
 * ```ts
 * import { createLayerState, updateLayer } from '@bkfac/kfactors';
 * import { fromRows } from '@bkfac/linalg';
 * const x = fromRows([[0, 1, 0, 0], [0, 0, 1, 0]]);
 * const ranks = (['pre', 'post'] as const).map((truncation) => {
 *   const s = createLayerState({ strategy: 'b-kfac', rank: 1, truncation, brandRule: 'force' }, { inputDim: 4, outputDim: 1, batchSize: 2 });
 *   updateLayer(s, { step: 0, epoch: 0 }, { inputs: x, gradients: fromRows([[1], [1]]) });
 *   return s.a.values.length;
 * });
 * console.log(ranks); // [3, 1]
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
 * import { createLayerState } from '@bkfac/kfactors';
 * const dims = { inputDim: 20, outputDim: 5, batchSize: 8 };
 * const tracking = (['auto', 'force'] as const).map((brandRule) => createLayerState({ strategy: 'b-kfac', rank: 4, brandRule }, dims).g.tracking);
 * console.log(tracking); // ["dense", "brand"]
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
 * import { resolveConfig, scheduleValue, type PeriodsConfig } from '@bkfac/kfactors';
 * const periods: PeriodsConfig = { update: { 0: 20, 5: 10 }, inverse: 100 };
 * const resolved = resolveConfig({ strategy: 'rs-kfac', periods }).periods;
 * console.log([scheduleValue(resolved.update, 6), scheduleValue(resolved.brand, 6)]); // [10, 20]
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
  /** The algorithm: a built-in name, or a record of one's own from {@link defineStrategy}. */
  readonly strategy: StrategyName | StrategySpec;
  /** EA decay `ρ` in `(0, 1)` (default 0.95). */
  readonly decay?: number;
  /** Damping `λ` per epoch, `≥ 0` (default `{ 0: 0.1, 7: 0.1, 25: 0.05, 35: 0.01 }`). */
  readonly damping?: PiecewiseSchedule;
  /** Damping mode (default: the strategy's `defaultDamping`, `'kronecker'` for `kfac`, `'adaptive'` otherwise). */
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
export type ResolvedPeriods = { readonly [K in keyof PeriodsConfig]-?: NormalizedSchedule };

/**
 * A validated {@link KFactorsConfig} with every default filled in; plain
 * JSON-compatible data (it is stored inside each layer state). Fields keep the
 * names and nesting of {@link KFactorsConfig}.
 *
 * @example
 * ```ts
 * import { resolveConfig } from '@bkfac/kfactors';
 * const c = resolveConfig({ strategy: 'b-kfac' });
 * console.log([c.strategy.name, c.decay, c.truncation, c.clip]); // ["b-kfac", 0.95, "post", 0.07]
 * ```
 * @category Configuration
 */
export interface ResolvedConfig {
  /** The algorithm's record. */
  readonly strategy: StrategySpec;
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
  /** Adaptive rank rules of RSVD/REVD-tracked and of Brand-tracked factors, `null` for fixed ranks. */
  readonly adaptiveRank: {
    /** Rule of RSVD/REVD-tracked factors, or `null`. */
    readonly rsvd: AdaptiveRankRule | null;
    /** Rule of Brand-tracked factors, or `null`. */
    readonly brand: AdaptiveRankRule | null;
  };
  /** Relative eigenvalue cut-off. */
  readonly eigenvalueCutoff: number;
  /** LL rule. */
  readonly brandRule: BrandRule;
  /** RMS clip `κ`, or `null`. */
  readonly clip: number | null;
  /** Whether an exact dense EA is kept for diagnostics. */
  readonly exactAverage: boolean;
}

/** Every option but the strategy. */
type FieldKey = Exclude<keyof ResolvedConfig, 'strategy'>;

/**
 * One option: how its user value (possibly absent) resolves, given the strategy, and how a
 * resolved value turns back into a user value that resolves to it again (checkpoints).
 */
interface Field<K extends FieldKey> {
  resolve(
    fn: string,
    arg: string,
    value: KFactorsConfig[K],
    strategy: StrategySpec,
  ): ResolvedConfig[K];
  unresolve(fn: string, arg: string, value: unknown): KFactorsConfig[K];
}

/** The damping schedule of the papers' reference implementation. */
const DEFAULT_DAMPING: PiecewiseSchedule = { 0: 0.1, 7: 0.1, 25: 0.05, 35: 0.01 };

/** A field whose resolved value is its user value (validated by `check`). */
function plain<K extends FieldKey>(
  check: (fn: string, arg: string, value: KFactorsConfig[K]) => ResolvedConfig[K],
): Field<K> {
  return { resolve: check, unresolve: (_fn, _arg, value) => value as KFactorsConfig[K] };
}

/** A piecewise schedule with a default and bounds. */
function schedule<K extends 'damping' | 'rank' | 'oversample'>(
  fallback: PiecewiseSchedule,
  bounds: Parameters<typeof normalizeSchedule>[3],
): Field<K> {
  return {
    resolve: (fn, arg, value) =>
      normalizeSchedule(fn, arg, value ?? fallback, bounds) as ResolvedConfig[K],
    unresolve: (fn, arg, value) => pieces(fn, arg, value) as KFactorsConfig[K],
  };
}

/** Every option, keyed as in {@link KFactorsConfig}: the one place that lists them. */
const FIELDS: { readonly [K in FieldKey]: Field<K> } = {
  decay: plain((fn, arg, v) => assertDecay(fn, arg, v ?? 0.95)),
  damping: schedule(DEFAULT_DAMPING, { min: 0 }),
  dampingMode: {
    resolve: (fn, arg, value, strategy) => {
      const mode = oneOf(fn, arg, value ?? strategy.defaultDamping, DAMPING_MODES);
      if (mode === 'kronecker' && !fullEigenbases(strategy)) {
        throw new InvalidArgumentError(
          fn,
          arg,
          `'adaptive' or 'tikhonov' for '${strategy.name}' ('kronecker' needs the full eigenbases of a dense 'evd' refresh)`,
          mode,
        );
      }
      return mode;
    },
    unresolve: (_fn, _arg, value) => value as DampingMode,
  },
  periods: {
    resolve: (fn, arg, value, strategy) => resolvePeriods(fn, arg, value ?? {}, strategy),
    unresolve: (fn, arg, value) =>
      Object.fromEntries(
        PERIOD_KEYS.map((key) => [
          key,
          pieces(fn, `${arg}.${key}`, (value as Record<string, unknown> | null)?.[key]),
        ]),
      ),
  },
  rank: schedule(220, { min: 1, integer: true }),
  oversample: schedule(10, { min: 0, integer: true }),
  powerIterations: plain((fn, arg, v) => assertInteger(fn, arg, v ?? 3, 0, MAX_POWER_ITERATIONS)),
  truncation: plain((fn, arg, v) => oneOf(fn, arg, v ?? 'post', ['pre', 'post'])),
  correctionFraction: plain((fn, arg, v) => assertNumber(fn, arg, v ?? 0.2, Number.MIN_VALUE, 1)),
  adaptiveRank: {
    resolve: (fn, arg, value) => {
      if (value !== undefined && (typeof value !== 'object' || value === null)) {
        throw new InvalidArgumentError(fn, arg, 'an object { rsvd?, brand? }', value);
      }
      return {
        rsvd: resolveRankRule(fn, `${arg}.rsvd`, 'rsvd', value?.rsvd),
        brand: resolveRankRule(fn, `${arg}.brand`, 'brand', value?.brand),
      };
    },
    unresolve: (_fn, _arg, value) => {
      const v = (value ?? {}) as Record<'rsvd' | 'brand', unknown>;
      const rule = (x: unknown) => (x === null ? false : (x as Partial<AdaptiveRankRule>));
      return { rsvd: rule(v.rsvd), brand: rule(v.brand) };
    },
  },
  eigenvalueCutoff: plain((fn, arg, v) => assertNumber(fn, arg, v ?? 1e-10, 0, 1)),
  brandRule: plain((fn, arg, v) => oneOf(fn, arg, v ?? 'auto', ['auto', 'force'])),
  clip: plain((fn, arg, v) => {
    const clip = v === undefined ? 0.07 : v;
    return clip === null ? null : assertNumber(fn, arg, clip, Number.MIN_VALUE);
  }),
  exactAverage: plain((fn, arg, v) => oneOf(fn, arg, v ?? false, [true, false])),
};
const FIELD_KEYS = Object.keys(FIELDS) as FieldKey[];

/**
 * Validates a configuration and fills in the defaults.
 *
 * @param config - the user configuration
 * @returns the resolved configuration (deeply frozen)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on an unknown strategy, option or damping mode,
 *   a value out of range, or `'kronecker'` damping with a strategy whose factors lack full eigenbases
 * @throws {@link InvalidScheduleError} on a malformed schedule or inconsistent periods
 *   (`T_brand % T_updt`, `T_rsvd % T_brand` and `T_corr % T_brand` must be 0 for the
 *   strategies that use them, at every epoch)
 * @example
 * ```ts
 * import { resolveConfig } from '@bkfac/kfactors';
 * const { damping, rank } = resolveConfig({ strategy: 'rs-kfac', rank: { 0: 220, 10: 100 } });
 * console.log([damping.values[0], rank.epochs, rank.values]); // [0.1, [0, 10], [220, 100]]
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
  for (const key of Object.keys(config)) {
    if (key !== 'strategy' && !(key in FIELDS)) {
      throw new InvalidArgumentError(
        fn,
        arg,
        `options among strategy, ${FIELD_KEYS.join(', ')}`,
        key,
      );
    }
  }
  const strategy = specAs(fn, `${arg}.strategy`, config.strategy);
  const resolved: Record<string, unknown> = { strategy };
  for (const key of FIELD_KEYS) {
    const field = FIELDS[key] as Field<FieldKey>;
    resolved[key] = field.resolve(fn, `${arg}.${key}`, config[key] as never, strategy);
  }
  deepFreeze(resolved);
  RESOLVED.add(resolved);
  return resolved as unknown as ResolvedConfig;
}

function resolvePeriods(
  fn: string,
  arg: string,
  p: PeriodsConfig,
  strategy: StrategySpec,
): ResolvedPeriods {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    throw new InvalidArgumentError(fn, arg, 'an object of period schedules', p);
  }
  for (const key of Object.keys(p)) {
    if (!PERIOD_KEYS.includes(key as keyof PeriodsConfig)) {
      throw new InvalidArgumentError(fn, arg, `keys among ${PERIOD_KEYS.join(', ')}`, key);
    }
  }
  const periods = Object.fromEntries(
    PERIOD_KEYS.map((key) => [
      key,
      normalizeSchedule(fn, `${arg}.${key}`, p[key] ?? PERIOD_DEFAULTS[key], {
        min: 1,
        integer: true,
      }),
    ]),
  ) as unknown as ResolvedPeriods;
  checkPeriodConsistency(fn, arg, strategy, periods);
  return periods;
}

/**
 * The Brand period must be a multiple of the statistics period, the
 * overwrite and correction periods multiples of the Brand period, at every
 * epoch where any period changes (for the periods the strategy uses).
 */
function checkPeriodConsistency(
  fn: string,
  arg: string,
  strategy: StrategySpec,
  periods: ResolvedPeriods,
): void {
  if (!strategy.brand) return;
  const boundaries = new Set<number>();
  for (const s of Object.values(periods)) for (const e of s.epochs) boundaries.add(e);
  for (const epoch of [...boundaries].sort((x, y) => x - y)) {
    const at = (s: NormalizedSchedule): number => scheduleValue(s, epoch);
    const checks = [
      ['brand', 'update'],
      ...(strategy.overwrite ? [['overwrite', 'brand'] as const] : []),
      ...(strategy.correction ? [['correction', 'brand'] as const] : []),
    ] as const;
    for (const [name, base] of checks) {
      const [value, of] = [at(periods[name]), at(periods[base])];
      if (value % of !== 0) {
        throw new InvalidScheduleError(
          fn,
          `${arg}.${name}`,
          `a multiple of periods.${base} (${of}) at epoch ${epoch}`,
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

/** A normalized schedule `{ epochs, values }` back as the piecewise table it came from. */
function pieces(fn: string, arg: string, schedule: unknown): PiecewiseSchedule {
  const { epochs, values } = (schedule ?? {}) as Partial<NormalizedSchedule>;
  if (!Array.isArray(epochs) || !Array.isArray(values) || epochs.length !== values.length) {
    throw new InvalidArgumentError(fn, arg, 'a normalized schedule { epochs, values }', schedule);
  }
  return Object.fromEntries(epochs.map((e, i) => [e, values[i]!]));
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
  const r = resolved as Record<string, unknown>;
  const user: Record<string, unknown> = { strategy: r.strategy };
  for (const key of FIELD_KEYS) user[key] = FIELDS[key].unresolve(fn, `${arg}.${key}`, r[key]);
  return user as unknown as KFactorsConfig;
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
