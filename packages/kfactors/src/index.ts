/**
 * `@bkfac/kfactors`: exponentially averaged Kronecker factors of fully
 * connected layers and their damped inverses, for K-FAC, RS-KFAC, SRE-KFAC,
 * B-KFAC, B-R-KFAC and B-KFAC-c.
 *
 * How an optimizer uses it, per Linear layer:
 * 1. once: `state = createLayerState(config, { inputDim: d_in + 1, outputDim, batchSize, seed })`;
 * 2. every step `t`: `due = statisticsDue(state, clock)`; capture `X̃` / `E`
 *    where due; `updateLayer(state, clock, { inputs, gradients })`;
 * 3. `precondition(state, gradW)` → clipped update `V` (or
 *    `preconditionFactored(state, X̃, E)` → `V = left·rightᵀ`, linear in width);
 * 4. checkpoint with `snapshotLayer` / `restoreLayer`.
 *
 * Nothing here knows about autograd: inputs are plain matrices.
 * @packageDocumentation
 */
export { InvalidScheduleError } from './errors.js';
export { normalizeSchedule, scheduleValue } from './schedule.js';
export type { NormalizedSchedule, PiecewiseSchedule, ScheduleBounds } from './schedule.js';
export { defineStrategy, STRATEGIES, strategyPeriods, strategySpec } from './strategy.js';
export type { DampingMode, DenseRefresh, StrategyName, StrategySpec } from './strategy.js';
export { resolveConfig } from './config.js';
export type {
  BrandRule,
  KFactorsConfig,
  PeriodsConfig,
  ResolvedConfig,
  ResolvedPeriods,
  TruncationVariant,
} from './config.js';
export { BRAND_RANK_RULE, nextRank, RSVD_RANK_RULE, truncationRatio } from './adaptive-rank.js';
export type { AdaptiveRankRule } from './adaptive-rank.js';
export {
  appendOnesColumn,
  batchFactor,
  batchScale,
  brandIncrement,
  exponentialAverageInPlace,
} from './statistics.js';
export type { FactorSide } from './statistics.js';
export { factorDamping, IDENTITY_TERM_FLOOR } from './damping.js';
export type { FactorDamping } from './damping.js';
export { clipScale, rootMeanSquare } from './clipping.js';
export { brandApplies, createLayerState, layerStateBytes } from './state.js';
export type { FactorState, FactorTracking, LayerDims, LayerState } from './state.js';
export { statisticsDue, updateLayer } from './update.js';
export type { LayerBatch, StatisticsDue, StepClock } from './update.js';
export { expandFactored, precondition, preconditionFactored } from './precondition.js';
export type { FactoredUpdate, PreconditionOptions, PreconditionResult } from './precondition.js';
export { inversionError } from './inversion-error.js';
export type { ErrorNorm, InversionErrorOptions } from './inversion-error.js';
export { restoreLayer, snapshotLayer } from './serialize.js';
export { createWorkspace } from './workspace.js';
export type { Workspace, WorkspaceBuffer } from './workspace.js';
export type { JsonValue, LayerSnapshot } from './serialize.js';
