import {
  batchFactor,
  brandIncrement,
  createLayerState,
  factorDamping,
  IDENTITY_TERM_FLOOR,
  expandFactored,
  exponentialAverageInPlace,
  layerStateBytes,
  precondition,
  preconditionFactored,
  restoreLayer,
  rootMeanSquare,
  snapshotLayer,
  statisticsDue,
  updateLayer,
  type KFactorsConfig,
  type LayerState,
} from '@bkfac/kfactors';
import { fromRows, InvalidArgumentError, zeros } from '@bkfac/linalg';
import { matOf } from '../../../test-support/reference';
import { batches } from './helpers';

const DIMS = { inputDim: 7, outputDim: 5, batchSize: 4, seed: 3 };

/** A K-FAC state after a few updates and a refresh: dense averages and eigenpairs on both sides. */
function trained(): LayerState {
  const state = createLayerState({ strategy: 'kfac', periods: { update: 1, inverse: 2 } }, DIMS);
  const { x, e } = batches(6, 4, 6, 5, 11);
  for (let t = 0; t < 6; t++) {
    updateLayer(state, { step: t, epoch: 0 }, { inputs: matOf(x[t]!), gradients: matOf(e[t]!) });
  }
  return state;
}

/** A fresh copy of `state` (through a snapshot) with `corrupt` applied, then snapshotted again. */
function corrupted(corrupt: (s: LayerState) => void): ReturnType<typeof snapshotLayer> {
  const copy = restoreLayer(snapshotLayer(trained()));
  corrupt(copy);
  return snapshotLayer(copy);
}

describe('every function taking a LayerState checks it (issue 12, defect 9)', () => {
  const g = zeros(DIMS.outputDim, DIMS.inputDim);
  const clock = { step: 0, epoch: 0 };
  const calls: [string, (state: unknown) => unknown][] = [
    ['updateLayer', (s) => updateLayer(s as LayerState, clock, { inputs: null, gradients: null })],
    ['statisticsDue', (s) => statisticsDue(s as LayerState, clock)],
    ['precondition', (s) => precondition(s as LayerState, g)],
    [
      'preconditionFactored',
      (s) => preconditionFactored(s as LayerState, zeros(4, 7), zeros(4, 5)),
    ],
    ['snapshotLayer', (s) => snapshotLayer(s as LayerState)],
    ['layerStateBytes', (s) => layerStateBytes(s as LayerState)],
  ];
  const bad: [string, () => unknown, RegExp][] = [
    ['null', () => null, /'state'/],
    ['a number', () => 42, /'state'/],
    ['an empty object', () => ({}), /'state\.config'/],
    [
      'a factor with a plain-array basis',
      () => ({ ...trained(), a: { ...trained().a, vectors: [1, 2] } }),
      /'state\.a\.vectors'.*Float64Array of length/,
    ],
    ['a swapped side', () => ({ ...trained(), a: trained().g }), /'state\.a\.side\/dim'/],
    [
      'refreshedAt after the last update',
      () => ({ ...trained(), g: { ...trained().g, refreshedAt: 99 } }),
      /'state\.g\.refreshedAt'/,
    ],
  ];
  for (const [name, call] of calls) {
    test.each(bad)(
      `${name} given %s: a typed error naming ${name} and the field`,
      (_, make, field) => {
        let thrown: unknown;
        try {
          call(make());
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(InvalidArgumentError);
        expect((thrown as Error).message).toMatch(new RegExp(`^${name}: argument `));
        expect((thrown as Error).message).toMatch(field);
      },
    );
  }
});

describe('restoreLayer rejects corrupted content (issue 12, defect 8)', () => {
  test('an intact snapshot restores', () => {
    const state = trained();
    expect(restoreLayer(snapshotLayer(state)).a.average).toEqual(state.a.average);
  });

  test.each<[string, (s: LayerState) => void, RegExp]>([
    [
      'an exponent bit flip (x 2^512) of an off-diagonal average entry',
      (s) => {
        const bits = new BigUint64Array(s.a.average!.buffer);
        bits[1]! ^= 1n << 61n; // entry (0, 1); its mirror (1, 0) keeps the old value
      },
      /'state\.a\.average'.*symmetric/,
    ],
    [
      'an asymmetric average',
      (s) => {
        s.g.average![2 * 5 + 1]! += 1e-9;
      },
      /'state\.g\.average'.*symmetric/,
    ],
    [
      'a diagonal shrunk below what its row requires',
      (s) => {
        s.a.average![3 * 7 + 3] = 0;
      },
      /'state\.a\.average'.*positive semi-definite/,
    ],
  ])('%s', (_, corrupt, message) => {
    const snapshot = corrupted(corrupt);
    expect(() => restoreLayer(snapshot)).toThrow(InvalidArgumentError);
    expect(() => restoreLayer(snapshot)).toThrow(message);
  });

  test('a negative eigenvalue, in a checkpoint or in a live state', () => {
    const state = trained();
    const snapshot = snapshotLayer(state);
    const ref = (snapshot.meta.state as { g: { values: { $buffer: number } } }).g.values.$buffer;
    snapshot.buffers[ref]![0] = -1;
    expect(() => restoreLayer(snapshot)).toThrow(/restoreLayer: argument 'state\.g\.values'.*>= 0/);
    state.g.values[0] = -1;
    expect(() => precondition(state, zeros(DIMS.outputDim, DIMS.inputDim))).toThrow(
      /precondition: argument 'state\.g\.values'.*>= 0/,
    );
  });

  test('a refresh after the last update, edited into the checkpoint metadata', () => {
    const snapshot = snapshotLayer(trained());
    const meta = snapshot.meta.state as { a: { updates: number; refreshedAt: number } };
    meta.a.refreshedAt = meta.a.updates + 1;
    expect(() => restoreLayer(snapshot)).toThrow(/^restoreLayer: argument 'state\.a\.refreshedAt'/);
  });
});

describe('errors name the function the user called (issue 12, defect 11, kfactors part)', () => {
  test.each<[string, () => unknown]>([
    ['batchFactor', () => batchFactor('B' as never, zeros(2, 3))],
    [
      'exponentialAverageInPlace',
      () => exponentialAverageInPlace(zeros(3, 3), 'B' as never, zeros(2, 3), 0.5),
    ],
    ['brandIncrement', () => brandIncrement('B' as never, zeros(2, 3), 0.5)],
  ])("%s with side 'B'", (fn, call) => {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(new RegExp(`^${fn}: argument 'side'`));
  });

  test('exponentialAverageInPlace with a batch whose moments overflow: named, average unchanged', () => {
    const average = fromRows([
      [1, 0],
      [0, 1],
    ]);
    const batch = fromRows([[1e160, 1]]);
    expect(() => exponentialAverageInPlace(average, 'A', batch, 0.5)).toThrow(
      /^exponentialAverageInPlace: argument 'batch' must be entries whose second moments fit in float64/,
    );
    expect(Array.from(average.data)).toEqual([1, 0, 0, 1]);
  });

  test.each<[string, () => unknown, RegExp]>([
    ['not an object', () => expandFactored(null as never), /^expandFactored: argument 'update'/],
    [
      'column counts that differ',
      () => expandFactored({ left: zeros(3, 2), right: zeros(4, 1), rms: 0, scale: 1 }),
      /^expandFactored: argument 'update\.right'/,
    ],
    [
      'a non-finite factor',
      () => expandFactored({ left: fromRows([[NaN]]), right: fromRows([[1]]), rms: 0, scale: 1 }),
      /^expandFactored: argument 'update\.left'/,
    ],
    [
      'an output of the wrong shape',
      () =>
        expandFactored({ left: zeros(3, 2), right: zeros(4, 2), rms: 0, scale: 1 }, zeros(4, 3)),
      /^expandFactored: argument 'out'/,
    ],
  ])('expandFactored given %s', (_, call, message) => {
    expect(call).toThrow(message);
  });

  test('expandFactored into an output that overlaps a factor: typed error, factor unchanged', () => {
    const left = fromRows([
      [1, 2],
      [3, 4],
    ]);
    const before = left.data.slice();
    expect(() =>
      expandFactored(
        {
          left,
          right: fromRows([
            [1, 0],
            [0, 1],
          ]),
          rms: 0,
          scale: 1,
        },
        left,
      ),
    ).toThrow(/^expandFactored: argument 'out'.*update\.left/);
    expect(left.data).toEqual(before);
  });
});

describe('RMS and clipping at any magnitude (issue 12, defects 4 and 5, kfactors part)', () => {
  test.each([1e200, 1e-200, 1.5e308])('rootMeanSquare of entries of size %p', (size) => {
    const v = fromRows([
      [size, -size],
      [0, size],
    ]);
    expect(rootMeanSquare(v) / size).toBeCloseTo(Math.sqrt(3 / 4), 14);
  });

  test('a layer whose statistics are exactly zero still preconditions after 20,000 updates', () => {
    // D = 0: the damping is ρ^k alone, whose inverse leaves float64 near k = 13,900 (ρ = 0.95);
    // the floor keeps μ at IDENTITY_TERM_FLOOR and the clip brings the update back to RMS κ.
    const configs: KFactorsConfig[] = [
      ...(['adaptive', 'tikhonov', 'kronecker'] as const).map((dampingMode) => ({
        strategy: 'kfac' as const,
        dampingMode,
        periods: { update: 1, inverse: 5000 },
      })),
      { strategy: 'b-kfac', rank: 2, brandRule: 'force', periods: { update: 1, brand: 1 } },
    ];
    for (const config of configs) {
      const state = createLayerState(config, DIMS);
      const x = zeros(4, DIMS.inputDim);
      const e = zeros(4, DIMS.outputDim);
      for (let t = 0; t < 20_000; t++)
        updateLayer(state, { step: t, epoch: 0 }, { inputs: x, gradients: e });
      const g = zeros(DIMS.outputDim, DIMS.inputDim);
      g.set(0, 0, 1);
      g.set(2, 3, -2);
      const { update, rms, scale } = precondition(state, g);
      expect(Number.isFinite(rms)).toBe(true);
      expect(rootMeanSquare(update)).toBeCloseTo(0.07, 12);
      expect(scale).toBeGreaterThan(0);
      const { mu } = factorDamping('tikhonov', state.g.values, state.damping, 0.95, 20_000);
      expect(mu).toBe(IDENTITY_TERM_FLOOR);
    }
  });
});
