// Every export of @bkfac/kfactors under generated bad inputs: a typed error naming
// the function, or a finite result; never another error, a silent NaN/Infinity,
// or a changed argument after a failed call (see test-support/export-fuzz.ts).
// Layer states are mutated field by field too (kinds, sizes, eigenvalues, bookkeeping).
import * as K from '@bkfac/kfactors';
import type { KFactorsConfig, LayerState } from '@bkfac/kfactors';
import * as L from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
import { describeExportFuzz } from '../../../test-support/export-fuzz';
import type { Template } from '../../../test-support/export-fuzz';
import { BRAND_SRE } from '../../../test-support/strategies';

const rows = (r: number[][]): Matrix => L.fromRows(r);
/** `X̃`: 3 inputs of width 3 plus the ones column. */
const inputs = (): Matrix =>
  rows([
    [0.5, 1, -0.25, 1],
    [-1, 0.5, 2, 1],
    [0.25, -2, 1, 1],
  ]);
/** `E`: the matching pre-activation gradients of 2 outputs. */
const gradients = (): Matrix =>
  rows([
    [0.1, -0.05],
    [-0.2, 0.15],
    [0.05, 0.3],
  ]);
const gradient = (): Matrix => L.gemm(gradients(), inputs(), { transA: true });
const dims = () => ({ inputDim: 4, outputDim: 2, batchSize: 3, seed: 5 });

/** A layer state after the step-0 update, so it can precondition. */
function updatedState(config: KFactorsConfig): LayerState {
  const state = K.createLayerState(config, dims());
  K.updateLayer(state, { step: 0, epoch: 0 }, { inputs: inputs(), gradients: gradients() });
  return state;
}

/** Brand-tracked A factor (rank 1 + batch 3 < 4 would fail the LL rule, so it is forced). */
const brandConfig = (): KFactorsConfig => ({
  strategy: 'b-kfac',
  rank: 1,
  brandRule: 'force',
  exactAverage: true,
});

const templates: Record<string, Template> = {
  normalizeSchedule: () => [
    'normalizeSchedule',
    'rank',
    { 0: 64, 10: 128 },
    { min: 1, integer: true },
  ],
  scheduleValue: () => [{ epochs: [0, 5], values: [100, 50] }, 7],
  resolveConfig: () => [
    {
      strategy: 'rs-kfac',
      rank: 4,
      damping: { 0: 0.1, 25: 0.05 },
      periods: { update: 10, inverse: { 0: 50, 5: 20 } },
      clip: 0.07,
    },
  ],
  nextRank: () => [K.RSVD_RANK_RULE, 15, [0.001, 0.5], 100],
  truncationRatio: () => [Float64Array.from([4, 2, 1])],
  appendOnesColumn: () => [
    rows([
      [2, 3],
      [4, 5],
    ]),
    L.zeros(2, 3),
  ],
  batchScale: () => ['G', 4],
  batchFactor: () => ['A', inputs()],
  exponentialAverageInPlace: () => [L.eye(4), 'A', inputs(), 0.5],
  brandIncrement: () => ['G', gradients(), 0.75, L.zeros(2, 3)],
  factorDamping: () => ['adaptive', Float64Array.from([4, 1]), 0.1, 0.5, 2],
  clipScale: () => [2, 0.07],
  rootMeanSquare: () => [gradient()],
  brandApplies: () => [2049, 180, 128],
  createLayerState: () => [{ strategy: 'b-r-kfac', rank: 2, brandRule: 'force' }, dims()],
  layerStateBytes: () => [updatedState({ strategy: 'kfac' })],
  statisticsDue: () => [updatedState({ strategy: 'rs-kfac', rank: 2 }), { step: 20, epoch: 1 }],
  updateLayer: () => [
    updatedState(brandConfig()),
    { step: 1, epoch: 0 },
    { inputs: inputs(), gradients: gradients() },
  ],
  precondition: () => [updatedState(brandConfig()), gradient(), { out: L.zeros(2, 4) }],
  preconditionFactored: () => [updatedState(brandConfig()), inputs(), gradients()],
  expandFactored: () => [
    { left: rows([[2], [1]]), right: rows([[1], [3], [0], [1]]), rms: 1, scale: 1 },
    L.zeros(2, 4),
  ],
  inversionError: () => [updatedState({ strategy: 'kfac' }), 'A', { norm: 'frobenius' }],
  snapshotLayer: () => [updatedState(brandConfig())],
  strategySpec: () => ['b-kfac'],
  strategyPeriods: () => [K.strategySpec('b-kfac-c')],
  defineStrategy: () => [BRAND_SRE],
  createWorkspace: () => [],
  restoreLayer: () => [K.snapshotLayer(updatedState({ strategy: 'sre-kfac', rank: 2 }))],
};

describeExportFuzz('@bkfac/kfactors', K as unknown as Record<string, unknown>, templates, [
  'normalizeSchedule',
]);
