/**
 * The strategies as data: one record per algorithm says how its factors are
 * refreshed, and every part of the library (configuration, refresh, state
 * creation, the trainer's reports) reads the record instead of testing names.
 * @module
 */
import { InvalidArgumentError } from '@bkfac/linalg';

/**
 * How a dense-tracked factor (a dense exponential average) is decomposed every `T_inv` steps:
 * `'evd'` full symmetric eigendecomposition (every eigenpair, no truncation);
 * `'rsvd'` rank-`r` randomized SVD of the average; `'revd'` rank-`r` symmetric
 * randomized EVD (Rayleigh–Ritz on the sketched range).
 *
 * @example
 * ```ts
 * import { strategySpec } from '@bkfac/kfactors';
 * console.log(['kfac', 'rs-kfac', 'sre-kfac'].map((s) => strategySpec(s).denseRefresh)); // ["evd", "rsvd", "revd"]
 * ```
 * @category Configuration
 */
export type DenseRefresh = 'evd' | 'rsvd' | 'revd';

/**
 * How each factor's inverse is damped:
 * - `'adaptive'`: the family's rule, `μ = λ·max D + ρ^k + min D` with the
 *   truncated spectrum continued flat at `min D`;
 * - `'tikhonov'`: per-factor `μ = λ·max D + ρ^k` without continuation (dense
 *   per-factor-damped K-FAC, the common full-rank limit of the family);
 * - `'kronecker'`: K-FAC's damping of the Kronecker product,
 *   `(g aᵀ + λ·max g·max a)`, only for strategies whose factors hold full
 *   eigenbases (dense refresh `'evd'`, no Brand tracking).
 *
 * @example
 * ```ts
 * import { resolveConfig } from '@bkfac/kfactors';
 * console.log([resolveConfig({ strategy: 'kfac' }).dampingMode, resolveConfig({ strategy: 'b-kfac' }).dampingMode]); // ["kronecker", "adaptive"]
 * ```
 * @category Configuration
 */
export type DampingMode = 'adaptive' | 'tikhonov' | 'kronecker';

/**
 * One algorithm as data. The Brand-related flags say what happens to a factor
 * the LL rule lets the strategy Brand-track; factors it does not are dense-tracked
 * with {@link StrategySpec.denseRefresh}.
 *
 * @example
 * ```ts
 * import { strategySpec } from '@bkfac/kfactors';
 * const s = strategySpec('b-kfac-c');
 * console.log([s.label, s.brand, s.overwrite, s.correction]); // ["B-KFAC-c", true, true, true]
 * ```
 * @category Configuration
 */
export interface StrategySpec {
  /** Identifier: lowercase letters, digits and `-` (e.g. `'b-kfac'`). */
  readonly name: string;
  /** Display name (e.g. `'B-KFAC'`). */
  readonly label: string;
  /** Decomposition of dense-tracked factors every `T_inv` steps. */
  readonly denseRefresh: DenseRefresh;
  /** Brand-track the factors the LL rule `r + n < d` admits (every factor with `brandRule: 'force'`). */
  readonly brand: boolean;
  /** Keep a dense copy of Brand-tracked factors and overwrite them from it by RSVD every `T_rsvd` steps (needs `brand`). */
  readonly overwrite: boolean;
  /** Rayleigh–Ritz correction of Brand-tracked factors against their dense copy every `T_corr` steps (needs `brand`; keeps the copy). */
  readonly correction: boolean;
  /** Damping mode when the configuration names none. */
  readonly defaultDamping: DampingMode;
}

/** The six algorithms of the papers, in the papers' order. */
const BUILT_IN = {
  kfac: {
    label: 'K-FAC',
    denseRefresh: 'evd',
    brand: false,
    overwrite: false,
    correction: false,
    defaultDamping: 'kronecker',
  },
  'rs-kfac': {
    label: 'RS-KFAC',
    denseRefresh: 'rsvd',
    brand: false,
    overwrite: false,
    correction: false,
    defaultDamping: 'adaptive',
  },
  'sre-kfac': {
    label: 'SRE-KFAC',
    denseRefresh: 'revd',
    brand: false,
    overwrite: false,
    correction: false,
    defaultDamping: 'adaptive',
  },
  'b-kfac': {
    label: 'B-KFAC',
    denseRefresh: 'rsvd',
    brand: true,
    overwrite: false,
    correction: false,
    defaultDamping: 'adaptive',
  },
  'b-r-kfac': {
    label: 'B-R-KFAC',
    denseRefresh: 'rsvd',
    brand: true,
    overwrite: true,
    correction: false,
    defaultDamping: 'adaptive',
  },
  'b-kfac-c': {
    label: 'B-KFAC-c',
    denseRefresh: 'rsvd',
    brand: true,
    overwrite: true,
    correction: true,
    defaultDamping: 'adaptive',
  },
} as const satisfies Record<string, Omit<StrategySpec, 'name'>>;

/**
 * The built-in algorithms:
 * `kfac` dense EA + full `eigh` every `T_inv`; `rs-kfac` dense EA + RSVD;
 * `sre-kfac` dense EA + symmetric randomized EVD; `b-kfac` Brand-updated
 * low-rank factors (never `d x d`); `b-r-kfac` Brand + periodic RSVD overwrite
 * from a dense copy; `b-kfac-c` B-R plus the Rayleigh–Ritz correction.
 *
 * @example
 * ```ts
 * import { STRATEGIES, type StrategyName } from '@bkfac/kfactors';
 * const brandFamily = STRATEGIES.filter((s: StrategyName) => s.startsWith('b-'));
 * console.log(brandFamily); // ["b-kfac", "b-r-kfac", "b-kfac-c"]
 * ```
 * @category Configuration
 */
export type StrategyName = keyof typeof BUILT_IN;

/**
 * Every {@link StrategyName}, in the order of the papers.
 *
 * @example
 * ```ts
 * import { STRATEGIES, strategySpec } from '@bkfac/kfactors';
 * console.log(STRATEGIES.map((s) => strategySpec(s).label).join(' ')); // K-FAC RS-KFAC SRE-KFAC B-KFAC B-R-KFAC B-KFAC-c
 * ```
 * @category Configuration
 */
export const STRATEGIES: readonly StrategyName[] = Object.freeze(
  Object.keys(BUILT_IN) as StrategyName[],
);

const SPECS: ReadonlyMap<string, StrategySpec> = new Map(
  STRATEGIES.map((name) => [name, Object.freeze({ name, ...BUILT_IN[name] })]),
);

/**
 * The record of a built-in strategy.
 *
 * @param name - a {@link StrategyName}
 * @returns its frozen {@link StrategySpec}
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `name` is not a built-in strategy
 * @example
 * ```ts
 * import { strategySpec } from '@bkfac/kfactors';
 * console.log(strategySpec('b-r-kfac').overwrite); // true
 * ```
 * @category Configuration
 */
export function strategySpec(name: string): StrategySpec {
  return specAs('strategySpec', 'name', name);
}

/**
 * Validates a strategy record of one's own, built from the existing refresh
 * kinds, so it can be passed as `config.strategy` like a built-in name. Its
 * `name` must not be a built-in one.
 *
 * @param spec - the record
 * @returns a frozen copy
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if a field is missing or invalid, the name is
 *   taken by a built-in strategy, `overwrite`/`correction` are set without `brand`, or
 *   `'kronecker'` damping is asked of factors without full eigenbases
 * @example
 * ```ts
 * import { defineStrategy, resolveConfig } from '@bkfac/kfactors';
 * const brandSre = defineStrategy({
 *   name: 'b-sre-kfac', label: 'B-SRE-KFAC', denseRefresh: 'revd',
 *   brand: true, overwrite: false, correction: true, defaultDamping: 'adaptive',
 * });
 * console.log(resolveConfig({ strategy: brandSre }).strategy.label); // B-SRE-KFAC
 * ```
 * @category Configuration
 */
export function defineStrategy(spec: StrategySpec): StrategySpec {
  return checkSpec('defineStrategy', 'spec', spec);
}

/**
 * The strategy a configuration names, as a record: a built-in name is looked
 * up, a record is validated (a built-in record, e.g. read back from a
 * checkpoint, must equal the table's).
 * @internal
 */
export function specAs(fn: string, arg: string, strategy: unknown): StrategySpec {
  if (typeof strategy === 'string') {
    const spec = SPECS.get(strategy);
    if (spec === undefined) {
      throw new InvalidArgumentError(
        fn,
        arg,
        `one of ${STRATEGIES.map((s) => JSON.stringify(s)).join(', ')} or a StrategySpec`,
        strategy,
      );
    }
    return spec;
  }
  const builtIn = SPECS.get((strategy as Partial<StrategySpec> | null)?.name ?? '');
  if (builtIn !== undefined) {
    if (!SPEC_FIELDS.every((k) => builtIn[k] === (strategy as StrategySpec)[k])) {
      throw new InvalidArgumentError(
        fn,
        arg,
        `the record of the built-in '${builtIn.name}' (or its name)`,
        'a record that differs from it',
      );
    }
    return builtIn;
  }
  return checkSpec(fn, arg, strategy);
}

const SPEC_FIELDS: readonly (keyof StrategySpec)[] = [
  'name',
  'label',
  'denseRefresh',
  'brand',
  'overwrite',
  'correction',
  'defaultDamping',
];

function checkSpec(fn: string, arg: string, spec: unknown): StrategySpec {
  if (typeof spec !== 'object' || spec === null) {
    throw new InvalidArgumentError(fn, arg, 'a StrategySpec record', spec);
  }
  const s = spec as Partial<Record<keyof StrategySpec, unknown>>;
  const text = (key: 'name' | 'label', pattern: RegExp, what: string): string => {
    const v = s[key];
    if (typeof v !== 'string' || !pattern.test(v)) {
      throw new InvalidArgumentError(fn, `${arg}.${key}`, what, v);
    }
    return v;
  };
  const name = text('name', /^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and -');
  if (SPECS.has(name)) {
    throw new InvalidArgumentError(fn, `${arg}.name`, 'a name no built-in strategy has', name);
  }
  const label = text('label', /^\S(.{0,38}\S)?$/, 'a display name of 1 to 40 characters');
  const flag = (key: 'brand' | 'overwrite' | 'correction'): boolean => {
    const v = s[key];
    if (typeof v !== 'boolean') throw new InvalidArgumentError(fn, `${arg}.${key}`, 'a boolean', v);
    return v;
  };
  const oneOf = <T>(key: keyof StrategySpec, allowed: readonly T[]): T => {
    if (!allowed.includes(s[key] as T)) {
      const list = allowed.map((a) => JSON.stringify(a)).join(', ');
      throw new InvalidArgumentError(fn, `${arg}.${key}`, `one of ${list}`, s[key]);
    }
    return s[key] as T;
  };
  const denseRefresh = oneOf<DenseRefresh>('denseRefresh', ['evd', 'rsvd', 'revd']);
  const [brand, overwrite, correction] = [flag('brand'), flag('overwrite'), flag('correction')];
  for (const [key, set] of [
    ['overwrite', overwrite],
    ['correction', correction],
  ] as const) {
    if (set && !brand) {
      throw new InvalidArgumentError(fn, `${arg}.${key}`, 'false without brand tracking', true);
    }
  }
  const defaultDamping = oneOf<DampingMode>('defaultDamping', DAMPING_MODES);
  if (defaultDamping === 'kronecker' && !fullEigenbases({ denseRefresh, brand })) {
    throw new InvalidArgumentError(
      fn,
      `${arg}.defaultDamping`,
      "'adaptive' or 'tikhonov' ('kronecker' needs full eigenbases: denseRefresh 'evd' without brand)",
      defaultDamping,
    );
  }
  return Object.freeze({
    name,
    label,
    denseRefresh,
    brand,
    overwrite,
    correction,
    defaultDamping,
  });
}

/**
 * Every damping mode.
 * @internal
 */
export const DAMPING_MODES: readonly DampingMode[] = ['adaptive', 'tikhonov', 'kronecker'];

/**
 * Whether every factor of the strategy holds a full eigenbasis (what Kronecker damping needs).
 * @internal
 */
export function fullEigenbases(spec: Pick<StrategySpec, 'denseRefresh' | 'brand'>): boolean {
  return spec.denseRefresh === 'evd' && !spec.brand;
}

/**
 * Whether a Brand-tracked factor of the strategy keeps a dense copy of its average.
 * @internal
 */
export function keepsDenseCopy(spec: StrategySpec): boolean {
  return spec.overwrite || spec.correction;
}

/**
 * The step periods a strategy reads, in the order of {@link PeriodsConfig}: statistics and
 * dense refreshes always, then those of Brand steps, overwrites and corrections when it has them.
 *
 * @param spec - the strategy record ({@link strategySpec} of a name)
 * @returns the keys of {@link PeriodsConfig} it uses
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `spec` is not a valid record
 * @example
 * ```ts
 * import { strategyPeriods, strategySpec } from '@bkfac/kfactors';
 * console.log(strategyPeriods(strategySpec('b-r-kfac'))); // ["update", "inverse", "brand", "overwrite"]
 * ```
 * @category Configuration
 */
export function strategyPeriods(
  spec: StrategySpec,
): ('update' | 'inverse' | 'brand' | 'overwrite' | 'correction')[] {
  const s = specAs('strategyPeriods', 'spec', spec);
  return [
    'update',
    'inverse',
    ...(s.brand ? (['brand'] as const) : []),
    ...(s.overwrite ? (['overwrite'] as const) : []),
    ...(s.correction ? (['correction'] as const) : []),
  ];
}
