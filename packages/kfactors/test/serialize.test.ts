import {
  createLayerState,
  precondition,
  restoreLayer,
  snapshotLayer,
  STRATEGIES,
  statisticsDue,
  updateLayer,
  type KFactorsConfig,
  type LayerSnapshot,
  type LayerState,
} from '@bkfac/kfactors';
import { InvalidArgumentError } from '@bkfac/linalg';
import { matOf } from '../../../test-support/reference';
import { batchGradient, batches } from './helpers';

const DIMS = { inputDim: 13, outputDim: 9, batchSize: 3, seed: 5 };
const { x, e } = batches(16, 3, 12, 9, 99);

function advance(state: LayerState, from: number, to: number, updates: Float64Array[]): void {
  for (let t = from; t < to; t++) {
    const epoch = Math.floor(t / 6);
    const due = statisticsDue(state, { step: t, epoch });
    updateLayer(
      state,
      { step: t, epoch },
      {
        inputs: due.inputs ? matOf(x[t]!) : null,
        gradients: due.gradients ? matOf(e[t]!) : null,
      },
    );
    updates.push(precondition(state, matOf(batchGradient(x[t]!, e[t]!))).update.data.slice());
  }
}

/** JSON round trip of the metadata, as a checkpoint file would do. */
const roundTrip = (s: LayerSnapshot): LayerSnapshot => ({
  meta: JSON.parse(JSON.stringify(s.meta)) as LayerSnapshot['meta'],
  buffers: s.buffers.map((b) => Float64Array.from(b)),
});

describe('serialise → restore → continue is bit-identical', () => {
  it.each(STRATEGIES)('%s', (strategy) => {
    const config: KFactorsConfig = {
      strategy,
      rank: { 0: 3, 2: 4 },
      damping: { 0: 0.1, 1: 0.05 },
      periods: { update: 1, inverse: 2, brand: 1, overwrite: 4, correction: 2 },
      adaptiveRank:
        strategy === 'kfac'
          ? {}
          : {
              rsvd: { maxRank: 6, minRank: 2 },
              brand: { maxRank: 6, minRank: 2, periodMultiplier: 1 },
            },
    };
    const straight: Float64Array[] = [];
    const reference = createLayerState(config, DIMS);
    advance(reference, 0, 16, straight);

    const resumed: Float64Array[] = [];
    const first = createLayerState(config, DIMS);
    advance(first, 0, 7, resumed);
    const restored = restoreLayer(roundTrip(snapshotLayer(first)));
    advance(first, 7, 9, []); // the original keeps training: the snapshot owns its buffers
    advance(restored, 7, 16, resumed);

    expect(resumed).toEqual(straight);
    expect(snapshotLayer(restored)).toEqual(snapshotLayer(reference));
  });
});

describe('restoreLayer rejects malformed snapshots', () => {
  const base = (): LayerSnapshot => {
    const s = createLayerState(
      { strategy: 'b-r-kfac', rank: 3, brandRule: 'force' },
      { inputDim: 5, outputDim: 4, batchSize: 2 },
    );
    updateLayer(
      s,
      { step: 0, epoch: 0 },
      {
        inputs: matOf(x[0]!.map((r) => r.slice(0, 5))),
        gradients: matOf(e[0]!.map((r) => r.slice(0, 4))),
      },
    );
    return roundTrip(snapshotLayer(s));
  };
  const state = (s: LayerSnapshot): Record<string, Record<string, unknown>> =>
    s.meta.state as unknown as Record<string, Record<string, unknown>>;
  const cases: [string, (s: LayerSnapshot) => LayerSnapshot][] = [
    ['a wrong format', (s) => ({ ...s, meta: { ...s.meta, format: 'x' as never } })],
    ['a wrong version', (s) => ({ ...s, meta: { ...s.meta, version: 3 as never } })],
    ['a missing buffer', (s) => ({ ...s, buffers: s.buffers.slice(1) })],
    [
      'a short buffer',
      (s) => ({ ...s, buffers: s.buffers.map((b, i) => (i === 0 ? b.subarray(1) : b)) }),
    ],
    [
      'a NaN in a buffer',
      (s) => ({ ...s, buffers: s.buffers.map((b) => Float64Array.from(b, () => Number.NaN)) }),
    ],
    [
      'a non-orthonormal basis',
      (s) => ({ ...s, buffers: s.buffers.map((b) => Float64Array.from(b, (v) => 2 * v + 0.5)) }),
    ],
    [
      'a bad configuration',
      (s) => {
        (state(s).config as Record<string, unknown>).decay = 2;
        return s;
      },
    ],
    [
      'a mismatched factor size',
      (s) => {
        state(s).a!.dim = 7;
        return s;
      },
    ],
    [
      'a bad generator state',
      (s) => {
        state(s).g!.rng = { words: [1, 2] };
        return s;
      },
    ],
    [
      'a fractional step',
      (s) => {
        (s.meta.state as Record<string, unknown>).lastStep = 0.5;
        return s;
      },
    ],
  ];
  it.each(cases)('%s', (_name, tamper) => {
    expect(() => restoreLayer(base())).not.toThrow();
    expect(() => restoreLayer(tamper(base()))).toThrow(InvalidArgumentError);
  });
});
