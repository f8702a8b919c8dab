import {
  createLayerState,
  inversionError,
  precondition,
  snapshotLayer,
  updateLayer,
  type LayerBatch,
  type LayerState,
  type StepClock,
} from '@bkfac/kfactors';
import { BkfacError, InvalidArgumentError, NonFiniteError, ShapeError, zeros } from '@bkfac/linalg';
import { matOf } from '../../../test-support/reference';
import { gradientBatch, inputBatch } from './helpers';

const DIMS = { inputDim: 6, outputDim: 3, batchSize: 4 };
const x = (n = 4): ReturnType<typeof matOf> => matOf(inputBatch(n, 5, 1));
const e = (n = 4): ReturnType<typeof matOf> => matOf(gradientBatch(n, 3, 2));

/** A state after a few good steps, and a deep copy of it for comparisons. */
function trained(strategy: 'rs-kfac' | 'b-kfac' = 'rs-kfac'): LayerState {
  const state = createLayerState(
    { strategy, rank: 2, brandRule: 'force', periods: { update: 1, inverse: 1, brand: 1 } },
    DIMS,
  );
  for (let t = 0; t < 3; t++)
    updateLayer(state, { step: t, epoch: 0 }, { inputs: x(), gradients: e() });
  return state;
}

const image = (s: LayerState): unknown => {
  const snap = snapshotLayer(s);
  return { meta: snap.meta, buffers: snap.buffers.map((b) => Array.from(b)) };
};

describe('bad input to updateLayer → typed error, previous state intact', () => {
  const nan = matOf(
    inputBatch(4, 5, 1).map((r, i) => r.map((v, j) => (i === 2 && j === 1 ? Number.NaN : v))),
  );
  const huge = matOf(inputBatch(4, 5, 1).map((r) => r.map((v) => v * 1e160)));
  const cases: [string, StepClock, LayerBatch, new (...args: never[]) => Error][] = [
    [
      'inputs of the wrong width',
      { step: 3, epoch: 0 },
      { inputs: matOf(inputBatch(4, 4, 1)), gradients: e() },
      ShapeError,
    ],
    [
      'gradients of the wrong width',
      { step: 3, epoch: 0 },
      { inputs: x(), gradients: matOf(gradientBatch(4, 2, 1)) },
      ShapeError,
    ],
    [
      'batch size 0',
      { step: 3, epoch: 0 },
      { inputs: zeros(0, 6), gradients: zeros(0, 3) },
      ShapeError,
    ],
    ['different batch sizes', { step: 3, epoch: 0 }, { inputs: x(4), gradients: e(3) }, ShapeError],
    ['a NaN statistic', { step: 3, epoch: 0 }, { inputs: nan, gradients: e() }, NonFiniteError],
    [
      'statistics that overflow',
      { step: 3, epoch: 0 },
      { inputs: huge, gradients: e() },
      InvalidArgumentError,
    ],
    ['a missing due statistic', { step: 3, epoch: 0 }, { inputs: x() }, InvalidArgumentError],
    [
      'a repeated step',
      { step: 2, epoch: 0 },
      { inputs: x(), gradients: e() },
      InvalidArgumentError,
    ],
    [
      'a fractional step',
      { step: 3.5, epoch: 0 },
      { inputs: x(), gradients: e() },
      InvalidArgumentError,
    ],
    [
      'a negative epoch',
      { step: 3, epoch: -1 },
      { inputs: x(), gradients: e() },
      InvalidArgumentError,
    ],
    ['no batch object', { step: 3, epoch: 0 }, null as never, InvalidArgumentError],
    [
      'a non-matrix',
      { step: 3, epoch: 0 },
      { inputs: [[1]] as never, gradients: e() },
      InvalidArgumentError,
    ],
  ];
  it.each(cases)('%s', (_name, clock, batch, error) => {
    for (const strategy of ['rs-kfac', 'b-kfac'] as const) {
      const state = trained(strategy);
      const before = image(state);
      expect(() => updateLayer(state, clock, batch)).toThrow(error);
      expect(image(state)).toEqual(before);
      // and the state still works
      updateLayer(state, { step: 3, epoch: 0 }, { inputs: x(), gradients: e() });
    }
  });
});

describe('other boundaries', () => {
  it('createLayerState rejects bad sizes', () => {
    expect(() =>
      createLayerState({ strategy: 'kfac' }, { inputDim: 0, outputDim: 3, batchSize: 4 }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      createLayerState({ strategy: 'kfac' }, { inputDim: 3, outputDim: 3, batchSize: 0 }),
    ).toThrow(InvalidArgumentError);
    expect(() => createLayerState({ strategy: 'kfac' }, { ...DIMS, seed: 0.5 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createLayerState({ strategy: 'kfac' }, null as never)).toThrow(
      InvalidArgumentError,
    );
  });

  it('precondition rejects a wrong gradient, a NaN gradient, and a state never updated', () => {
    const state = trained();
    expect(() => precondition(state, zeros(6, 3))).toThrow(ShapeError);
    expect(() =>
      precondition(
        state,
        matOf([
          [0, 0, 0, 0, 0, Number.NaN],
          [0, 0, 0, 0, 0, 0],
          [0, 0, 0, 0, 0, 0],
        ]),
      ),
    ).toThrow(NonFiniteError);
    expect(() => precondition(state, zeros(3, 6), { out: zeros(3, 5) })).toThrow(ShapeError);
    const fresh = createLayerState({ strategy: 'b-kfac', rank: 2, brandRule: 'force' }, DIMS);
    expect(() => precondition(fresh, zeros(3, 6))).toThrow(InvalidArgumentError);
  });

  it('inversionError needs a dense average and a refresh', () => {
    const pure = trained('b-kfac');
    expect(pure.a.average).toBeNull();
    expect(() => inversionError(pure, 'A')).toThrow(InvalidArgumentError);
    expect(() => inversionError(trained(), 'B' as never)).toThrow(InvalidArgumentError);
    expect(() => inversionError(trained(), 'A', { norm: 'max' as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => inversionError(createLayerState({ strategy: 'kfac' }, DIMS), 'A')).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('a failed precondition leaves the caller’s arrays as they were', () => {
  it.each(['rs-kfac', 'b-kfac'] as const)(
    '%s: an overflowing in-place precondition (out = gradient) throws and keeps the gradient',
    (strategy) => {
      const state = trained(strategy);
      const before = image(state);
      // Entries near the float64 limit: the damped inverse amplifies them past it.
      const big = Number.MAX_VALUE / 2;
      const g = zeros(3, 6);
      g.data.fill(big);
      g.data[0] = -big;
      expect(() => precondition(state, g, { out: g })).toThrow(BkfacError);
      expect(Array.from(g.data)).toEqual([-big, ...new Array<number>(17).fill(big)]);
      expect(image(state)).toEqual(before);
      const out = zeros(3, 6);
      out.data.fill(7);
      expect(() => precondition(state, g, { out })).toThrow(BkfacError);
      expect(Array.from(out.data)).toEqual(new Array<number>(18).fill(7));
    },
  );

  it('in-place preconditioning that succeeds equals the out-of-place result', () => {
    const state = trained('b-kfac');
    const g = zeros(3, 6);
    g.data.forEach((_, i) => (g.data[i] = Math.sin(i + 1)));
    const fresh = precondition(state, g).update;
    const r = precondition(state, g, { out: g });
    expect(r.update).toBe(g);
    expect(Array.from(g.data)).toEqual(Array.from(fresh.data));
  });
});
