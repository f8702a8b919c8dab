/**
 * Plain-data state of a layer's two K-factors.
 * @module
 */
import { createRng, InvalidArgumentError } from '@bkfac/linalg';
import { assertInteger } from '@bkfac/linalg/validate';
import type { RngState } from '@bkfac/linalg';
import { resolveConfigAs } from './config.js';
import { keepsDenseCopy } from './strategy.js';
import type { KFactorsConfig, ResolvedConfig } from './config.js';
import { scheduleValue } from './schedule.js';
import { assertLayerState } from './state-check.js';
import type { FactorSide } from './statistics.js';

/**
 * How a factor is tracked: `'dense'` (dense EA + periodic decomposition:
 * K-FAC, RS-KFAC, SRE-KFAC and the CaSL factors of the Brand strategies) or
 * `'brand'` (low-rank representation updated by Brand steps: LL factors).
 *
 * @example
 * ```ts
 * import { createLayerState, type FactorTracking } from '@bkfac/kfactors';
 * const state = createLayerState({ strategy: 'b-kfac', rank: 8 }, { inputDim: 65, outputDim: 10, batchSize: 16 });
 * const tracking: FactorTracking[] = [state.a.tracking, state.g.tracking];
 * console.log(tracking); // ["brand", "dense"]
 * ```
 * @category Layer state
 */
export type FactorTracking = 'dense' | 'brand';

/**
 * One K-factor `K ≈ U·diag(D)·Uᵀ` of a layer, as plain data (numbers,
 * strings, arrays and `Float64Array` buffers). The average is
 * zero-initialised; the identity part `ρ^k·I` lives in the damping.
 *
 * @example
 * ```ts
 * import { createLayerState } from '@bkfac/kfactors';
 * const state = createLayerState({ strategy: 'b-kfac', rank: 8 }, { inputDim: 65, outputDim: 10, batchSize: 16 });
 * console.log([state.a.tracking, state.g.tracking]); // ["brand", "dense"]
 * ```
 * @category Layer state
 */
export interface FactorState {
  /** `'A'` (activations) or `'G'` (gradients). */
  readonly side: FactorSide;
  /** Factor size `d`. */
  readonly dim: number;
  /** Dense or Brand tracking, fixed at creation by the LL rule. */
  readonly tracking: FactorTracking;
  /** `k`: EA updates reflected in the representation (drives `ρ^k` in the damping). */
  updates: number;
  /**
   * Zero-initialised dense EA `K` (`d x d`, row-major, exactly symmetric), or
   * `null` when the strategy keeps none (pure B-KFAC Brand-tracked factors).
   */
  average: Float64Array | null;
  /** EA updates applied to `average`. */
  averageUpdates: number;
  /** Retained eigenvalues `D`, descending, length `m`. */
  values: Float64Array;
  /** Eigenvectors `U`, `d x m`, column-major. */
  vectors: Float64Array;
  /** `k` at the last refresh, `-1` before the first one. */
  refreshedAt: number;
  /** Current target rank `r` (≤ `d`; adapted by the adaptive-rank rules). */
  rank: number;
  /** Last value read from the rank schedule (a change resets `rank`). */
  scheduledRank: number;
  /** Truncation ratios `min D / max D` of the latest refreshes, oldest first. */
  ratios: number[];
  /** Generator state of the factor's randomized decompositions. */
  rng: RngState;
}

/**
 * State of one fully connected layer's preconditioner: its configuration,
 * sizes, the two factors and the step bookkeeping. Plain data: serialise it
 * with {@link snapshotLayer}.
 *
 * @example
 * ```ts
 * import { createLayerState } from '@bkfac/kfactors';
 * const state = createLayerState({ strategy: 'kfac' }, { inputDim: 5, outputDim: 3, batchSize: 8 });
 * console.log([state.a.dim, state.g.dim, state.lastStep]); // [5, 3, -1]
 * ```
 * @category Layer state
 */
export interface LayerState {
  /** Resolved configuration. */
  readonly config: ResolvedConfig;
  /** `d_A`: input width including the bias column. */
  readonly inputDim: number;
  /** `d_G = d_out`. */
  readonly outputDim: number;
  /** Batch size `n` used by the LL rule. */
  readonly batchSize: number;
  /** Activation factor `Ā` (`d_A x d_A`). */
  readonly a: FactorState;
  /** Gradient factor `Γ` (`d_out x d_out`). */
  readonly g: FactorState;
  /** Last step given to {@link updateLayer} (`-1` before the first). */
  lastStep: number;
  /** Epoch of the last update. */
  epoch: number;
  /** Damping `λ` resolved at the last update. */
  damping: number;
}

/**
 * Sizes of a layer and the seed of its random streams.
 *
 * @example
 * ```ts
 * import { createLayerState, type LayerDims } from '@bkfac/kfactors';
 * const dims: LayerDims = { inputDim: 785, outputDim: 10, batchSize: 128, seed: 3 };
 * const state = createLayerState({ strategy: 'b-kfac' }, dims);
 * console.log([state.a.tracking, state.a.rank, state.g.rank]); // ["brand", 220, 10]
 * ```
 * @category Layer state
 */
export interface LayerDims {
  /** `d_A = d_in + 1`: width of the inputs `X̃` including the bias column of ones (`d_in` for a bias-free layer). */
  readonly inputDim: number;
  /** `d_out`: width of the pre-activation gradients `E`. */
  readonly outputDim: number;
  /** Batch size `n` (rows of `X̃` and `E`), used by the LL rule `r + n < d`. */
  readonly batchSize: number;
  /** Seed of the layer's random streams (default 0); give each layer its own. */
  readonly seed?: number;
}

/**
 * The LL rule: a fully connected factor of size `d` is
 * Brand-updatable iff `rankCheck + n < d` (`rankCheck` = target rank, or the
 * adaptive rule's cap when ranks adapt).
 *
 * @param dim - factor size `d`
 * @param rankCheck - `r_check`
 * @param batchSize - batch size `n`
 * @returns `true` when the factor is LL (Brand-tracked)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if an argument is not a positive integer
 * @example
 * ```ts
 * import { brandApplies } from '@bkfac/kfactors';
 * console.log([brandApplies(2049, 180, 128), brandApplies(10, 180, 128)]); // [true, false]
 * ```
 * @category Layer state
 */
export function brandApplies(dim: number, rankCheck: number, batchSize: number): boolean {
  assertInteger('brandApplies', 'dim', dim, 1);
  assertInteger('brandApplies', 'rankCheck', rankCheck, 1);
  assertInteger('brandApplies', 'batchSize', batchSize, 1);
  return rankCheck + batchSize < dim;
}

/**
 * Creates the state of one layer's K-factors, before any statistics.
 * Brand-tracked factors start as `U = I[:, :r]`, `D = 0`, dense ones
 * as a zero average with no decomposition.
 *
 * @param config - strategy configuration
 * @param dims - layer sizes, batch size and seed
 * @returns a fresh state
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if a size or the seed is invalid, a factor of
 *   that width does not fit in memory (a dense `d x d` average), or the configuration is invalid
 * @throws {@link InvalidScheduleError} if a schedule is invalid
 * @example
 * ```ts
 * import { createLayerState } from '@bkfac/kfactors';
 * const state = createLayerState({ strategy: 'rs-kfac', rank: 4 }, { inputDim: 11, outputDim: 3, batchSize: 8 });
 * console.log([state.a.rank, state.g.rank]); // [4, 3]
 * ```
 * @category Layer state
 */
export function createLayerState(config: KFactorsConfig, dims: LayerDims): LayerState {
  const fn = 'createLayerState';
  const resolved = resolveConfigAs(fn, 'config', config);
  if (typeof dims !== 'object' || dims === null) {
    throw new InvalidArgumentError(fn, 'dims', 'an object', dims);
  }
  const inputDim = assertInteger(fn, 'dims.inputDim', dims.inputDim, 1);
  const outputDim = assertInteger(fn, 'dims.outputDim', dims.outputDim, 1);
  const batchSize = assertInteger(fn, 'dims.batchSize', dims.batchSize, 1);
  const seed = dims.seed ?? 0;
  if (!Number.isSafeInteger(seed) || Math.abs(seed) > Number.MAX_SAFE_INTEGER / 2) {
    throw new InvalidArgumentError(fn, 'dims.seed', 'a safe integer', seed);
  }
  const make = (side: FactorSide, dim: number, stream: number): FactorState => {
    try {
      return createFactor(resolved, side, dim, batchSize, stream);
    } catch (e) {
      // Too large for a typed array or for memory: say which size, not a bare RangeError.
      if (!(e instanceof RangeError)) throw e;
      const arg = side === 'A' ? 'dims.inputDim' : 'dims.outputDim';
      throw new InvalidArgumentError(fn, arg, 'a width whose factors fit in memory', dim);
    }
  };
  return {
    config: resolved,
    inputDim,
    outputDim,
    batchSize,
    a: make('A', inputDim, 2 * seed),
    g: make('G', outputDim, 2 * seed + 1),
    lastStep: -1,
    epoch: 0,
    damping: scheduleValue(resolved.damping, 0),
  };
}

function createFactor(
  config: ResolvedConfig,
  side: FactorSide,
  dim: number,
  batchSize: number,
  seed: number,
): FactorState {
  const scheduled = scheduleValue(config.rank, 0);
  const rankCheck = config.adaptiveRank.brand?.maxRank ?? scheduled;
  const brand =
    config.strategy.brand &&
    (config.brandRule === 'force' || brandApplies(dim, rankCheck, batchSize));
  const rank = Math.min(scheduled, dim);
  const keepsAverage = !brand || keepsDenseCopy(config.strategy) || config.exactAverage;
  return {
    side,
    dim,
    tracking: brand ? 'brand' : 'dense',
    updates: 0,
    average: keepsAverage ? new Float64Array(dim * dim) : null,
    averageUpdates: 0,
    values: new Float64Array(brand ? rank : 0),
    vectors: brand ? leadingIdentityColumns(dim, rank) : new Float64Array(0),
    refreshedAt: -1,
    rank,
    scheduledRank: scheduled,
    ratios: [],
    rng: createRng(seed).state(),
  };
}

/** First `r` columns of `I_d`, column-major. */
function leadingIdentityColumns(dim: number, rank: number): Float64Array {
  const u = new Float64Array(dim * rank);
  for (let j = 0; j < rank; j++) u[j * dim + j] = 1;
  return u;
}

/**
 * Bytes held by a layer state's buffers (dense averages, eigenvalues,
 * eigenvectors), the memory figure of the benchmarks; workspaces excluded.
 *
 * @param state - the layer state
 * @returns total `byteLength` of its `Float64Array`s
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `state` is not a layer state from `createLayerState`/`restoreLayer` (wrong kinds, sizes or bookkeeping)
 * @example
 * ```ts
 * import { createLayerState, layerStateBytes } from '@bkfac/kfactors';
 * const state = createLayerState({ strategy: 'kfac' }, { inputDim: 4, outputDim: 2, batchSize: 8 });
 * console.log(layerStateBytes(state)); // 160
 * ```
 * @category Layer state
 */
export function layerStateBytes(state: LayerState): number {
  assertLayerState('layerStateBytes', 'state', state);
  let bytes = 0;
  for (const f of [state.a, state.g]) {
    bytes += f.values.byteLength + f.vectors.byteLength + (f.average?.byteLength ?? 0);
  }
  return bytes;
}
