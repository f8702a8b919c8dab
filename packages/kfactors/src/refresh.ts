/**
 * Per-factor work of one step:
 * EA update, dense decompositions, Brand steps, B-R overwrites and B-KFAC-c
 * corrections. Inputs are validated by the caller ({@link updateLayer}).
 * @module
 */
import {
  brandEighUpdate,
  copy,
  createRng,
  fromArray,
  eigh,
  rayleighRitzCorrection,
  reigh,
  syrk,
} from '@bkfac/linalg';
import type { LowRankEigen, Matrix } from '@bkfac/linalg';
import type { ResolvedConfig } from './config.js';
import type { AdaptiveRankRule } from './adaptive-rank.js';
import { nextRank, truncationRatio } from './adaptive-rank.js';
import { scheduleValue } from './schedule.js';
import type { FactorState } from './state.js';
import { batchScale, scaledTransposeInto } from './statistics.js';
import type { Workspace } from './workspace.js';

/**
 * Schedules resolved at one step.
 * @internal
 */
export interface StepParams {
  /** Global step `t`. */
  readonly step: number;
  /** `T_updt`. */
  readonly update: number;
  /** `T_inv`. */
  readonly inverse: number;
  /** `T_brand`. */
  readonly brand: number;
  /** `T_rsvd`. */
  readonly overwrite: number;
  /** `T_corr`. */
  readonly correction: number;
  /** Scheduled rank. */
  readonly rank: number;
  /** Oversampling. */
  readonly oversample: number;
}

/** @internal */
export function stepParams(config: ResolvedConfig, step: number, epoch: number): StepParams {
  const at = (s: Parameters<typeof scheduleValue>[0]): number => scheduleValue(s, epoch);
  const p = config.periods;
  return {
    step,
    update: at(p.update),
    inverse: at(p.inverse),
    brand: at(p.brand),
    overwrite: at(p.overwrite),
    correction: at(p.correction),
    rank: at(config.rank),
    oversample: at(config.oversample),
  };
}

/**
 * Whether `factor` consumes its batch statistics at this step.
 * @internal
 */
export function factorNeedsBatch(factor: FactorState, params: StepParams): boolean {
  const t = params.step;
  return (
    (factor.average !== null && t % params.update === 0) ||
    (factor.tracking === 'brand' && t % params.brand === 0)
  );
}

/**
 * All of one factor's work at one step. `batch` is the validated `n x d`
 * batch (`X̃` or `E`), present whenever {@link factorNeedsBatch} holds.
 * @internal
 */
export function advanceFactor(
  factor: FactorState,
  batch: Matrix | null,
  config: ResolvedConfig,
  params: StepParams,
  workspace: Workspace,
): void {
  const t = params.step;
  const strategy = config.strategy;
  if (params.rank !== factor.scheduledRank) {
    factor.scheduledRank = params.rank;
    factor.rank = Math.min(params.rank, factor.dim);
  }
  if (factor.average !== null && t % params.update === 0) {
    accumulate(factor, batch!, config.decay);
    if (factor.tracking === 'dense') factor.updates = factor.averageUpdates;
  }
  if (factor.tracking === 'dense') {
    if (t % params.inverse !== 0) return;
    commit(factor, decomposeDense(factor, config, params), config);
    factor.refreshedAt = factor.updates;
    if (truncates(factor, config)) adapt(factor, config.adaptiveRank.rsvd, t, params.inverse);
    return;
  }
  if (t % params.brand !== 0) return;
  if (strategy.overwrite && t % params.overwrite === 0 && t > params.inverse) {
    // B-R overwrite (only when it really happens; no correction on these steps).
    commit(factor, randomizedEigen(factor, config, params, 'svd'), config);
    factor.updates = factor.averageUpdates;
  } else {
    let next = brandStep(factor, batch!, config, workspace);
    if (strategy.correction && t % params.correction === 0) {
      next = correct(factor, next, config.correctionFraction);
    }
    commit(factor, next, config);
    factor.updates += 1;
  }
  factor.refreshedAt = factor.updates;
  adapt(factor, config.adaptiveRank.brand, t, params.brand);
}

/** `K ← ρK + (1−ρ)K_b` on the dense average, in place. */
function accumulate(factor: FactorState, batch: Matrix, decay: number): void {
  const n = batch.shape[0]!;
  const k = averageMatrix(factor);
  syrk(batch, {
    trans: true,
    alpha: (1 - decay) * batchScale(factor.side, n),
    beta: decay,
    out: k,
  });
  factor.averageUpdates += 1;
}

/** Decomposition of a dense-tracked factor by the strategy's dense refresh: full EVD, RSVD or REVD. */
function decomposeDense(
  factor: FactorState,
  config: ResolvedConfig,
  params: StepParams,
): LowRankEigen {
  const refresh = config.strategy.denseRefresh;
  if (refresh === 'evd') return eigh(averageMatrix(factor));
  return randomizedEigen(factor, config, params, refresh === 'revd' ? 'rayleigh-ritz' : 'svd');
}

/**
 * Rank-`r` randomized eigendecomposition of the dense average: the RSVD route
 * of RS-KFAC / B-R overwrites (`'svd'`: vectors `Q·V̂` and singular values of
 * `K·Q`) or SRE-KFAC's Rayleigh–Ritz.
 */
function randomizedEigen(
  factor: FactorState,
  config: ResolvedConfig,
  params: StepParams,
  method: 'svd' | 'rayleigh-ritz',
): LowRankEigen {
  const d = factor.dim;
  const rank = factor.rank;
  const rng = createRng(factor.rng);
  const result = reigh(averageMatrix(factor), rank, {
    method,
    oversample: Math.min(params.oversample, d - rank),
    powerIterations: config.powerIterations,
    rng,
  });
  factor.rng = rng.state();
  return result;
}

/**
 * One Brand step `K⁺ = ρ·U·diag(D)·Uᵀ + M·Mᵀ`: `'post'` truncates the
 * result to `r`, `'pre'` truncates the input to `r` and keeps `r + n'`.
 */
function brandStep(
  factor: FactorState,
  batch: Matrix,
  config: ResolvedConfig,
  workspace: Workspace,
): LowRankEigen {
  const d = factor.dim;
  const [n] = batch.shape as [number, number];
  const m = factor.values.length;
  const r = factor.rank;
  const post = config.truncation === 'post';
  // 'post' carries every current pair through the update and truncates afterwards, so a rank
  // drop (r < m) still sees the pairs the batch may promote; 'pre' truncates the input first.
  const kept = post ? m : Math.min(m, r);
  const columns = Math.min(post ? r : kept + n, kept + n, d);
  const increment = fromArray(
    workspace.buffer('brandIncrement', d * n).subarray(0, d * n),
    [d, n],
    'col',
  );
  scaledTransposeInto(increment, batch, Math.sqrt((1 - config.decay) * batchScale(factor.side, n)));
  const prev: LowRankEigen = {
    values: factor.values.subarray(0, kept),
    vectors: fromArray(factor.vectors, [d, m], 'col').hi(d, kept),
  };
  return brandEighUpdate(prev, increment, {
    decay: config.decay,
    ...(post ? { rank: r } : {}),
    out: {
      values: workspace.buffer('brandValues', columns).subarray(0, columns),
      vectors: fromArray(
        workspace.buffer('brandVectors', d * columns).subarray(0, d * columns),
        [d, columns],
        'col',
      ),
    },
  });
}

/**
 * B-KFAC-c correction: Rayleigh–Ritz of `round(φ·m + 1)` random columns
 * of `U` against the dense average (`Math.round`), pairs re-sorted.
 */
function correct(factor: FactorState, rep: LowRankEigen, fraction: number): LowRankEigen {
  const rng = createRng(factor.rng);
  const corrected = rayleighRitzCorrection(rep, averageMatrix(factor), { fraction, rng });
  factor.rng = rng.state();
  return corrected;
}

/**
 * Stores a new representation: relative cut-off, copy into the
 * factor's buffers (reused when the size is unchanged), ratio history.
 */
function commit(factor: FactorState, rep: LowRankEigen, config: ResolvedConfig): void {
  const d = factor.dim;
  const m = rep.values.length;
  if (factor.values.length !== m) {
    factor.values = new Float64Array(m);
    factor.vectors = new Float64Array(d * m);
  }
  factor.values.set(rep.values);
  applyCutoff(factor.values, config.eigenvalueCutoff);
  factor.vectors.set(columnMajorData(rep.vectors, d, m));
  const rule = factor.tracking === 'brand' ? config.adaptiveRank.brand : config.adaptiveRank.rsvd;
  const ratio = truncationRatio(factor.values);
  if (rule !== null && ratio !== null && truncates(factor, config)) {
    factor.ratios.push(ratio);
    if (factor.ratios.length > rule.historyLength) factor.ratios.shift();
  }
}

/** Whether the factor's refreshes truncate to a rank (all but a full EVD), so ranks may adapt. */
function truncates(factor: FactorState, config: ResolvedConfig): boolean {
  return factor.tracking === 'brand' || config.strategy.denseRefresh !== 'evd';
}

/** Adaptive ranks: adapt the rank every `period·multiplier` steps (not at step 0). */
function adapt(
  factor: FactorState,
  rule: AdaptiveRankRule | null,
  step: number,
  period: number,
): void {
  if (rule === null || step === 0 || step % (period * rule.periodMultiplier) !== 0) return;
  factor.rank = nextRank(rule, factor.rank, factor.ratios, factor.dim);
}

/** Relative cut-off: eigenvalues `≤ tol·max` (negative ones included) become 0. */
function applyCutoff(values: Float64Array, tol: number): void {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  const threshold = tol * max;
  for (let i = 0; i < values.length; i++) if (!(values[i]! > threshold)) values[i] = 0;
}

/**
 * The dense average as a `d x d` matrix view.
 * @internal
 */
export function averageMatrix(factor: FactorState): Matrix {
  const d = factor.dim;
  return fromArray(factor.average!, [d, d]);
}

/** The entries of a `d x m` matrix in column-major order (no copy when already so stored). */
function columnMajorData(a: Matrix, d: number, m: number): Float64Array {
  const [s0, s1] = a.stride as [number, number];
  const contiguous = s0 === 1 && (s1 === d || m <= 1);
  return contiguous ? a.data.subarray(a.offset, a.offset + d * m) : copy(a, 'col').data;
}
