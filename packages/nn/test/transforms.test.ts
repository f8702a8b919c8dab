import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError, NonFiniteError, fromRows, gemm } from '@bkfac/linalg';
import {
  createLayerState,
  expandFactored,
  preconditionFactored,
  updateLayer,
} from '@bkfac/kfactors';
import {
  addWeightDecay,
  chain,
  heavyBall,
  kfacPreconditioner,
  masked,
  scaleByAdam,
  scaleByLearningRate,
  sgd,
} from '@bkfac/nn';
import type { Params } from '@bkfac/nn';

const p = (): Params => ({ w: fromRows([[1, -2]]), b: fromRows([[0.5]]) });
const g = (): Params => ({ w: fromRows([[0.25, 1]]), b: fromRows([[-1]]) });

describe('transforms compose into optimizers', () => {
  it('sgd is exactly its chain of decay, Nesterov momentum and learning rate', () => {
    const options = { learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 };
    const mine = chain('mine', {
      weightDecay: addWeightDecay({ weightDecay: 0.01 }),
      momentum: heavyBall({ momentum: 0.9, nesterov: true }),
      learningRate: scaleByLearningRate(0.1),
    });
    const ref = sgd(options);
    let [a, b] = [mine.init(p()), ref.init(p())];
    for (let t = 0; t < 3; t++) {
      const [ua, na] = mine.update(g(), a, p());
      const [ub, nb] = ref.update(g(), b, p());
      expect(Array.from(ua.w!.data)).toEqual(Array.from(ub.w!.data));
      [a, b] = [na, nb];
    }
    expect(a).toEqual(b);
  });

  it('update is pure; updateInPlace advances the state it is given', () => {
    const opt = chain('m', { momentum: heavyBall({ momentum: 0.5 }) });
    const state = opt.init(p());
    const before = JSON.stringify(state, (_k, v) => (v instanceof Float64Array ? [...v] : v));
    opt.update(g(), state, p());
    expect(JSON.stringify(state, (_k, v) => (v instanceof Float64Array ? [...v] : v))).toBe(before);
    const out = { w: fromRows([[0, 0]]), b: fromRows([[0]]) };
    opt.updateInPlace(g(), state, p(), out);
    expect((state.momentum as { step: number }).step).toBe(1);
  });

  it('masked confines a stage to its keys; the rest pass through', () => {
    const opt = chain('m', { adam: masked(['w'], scaleByAdam()), lr: scaleByLearningRate(1) });
    const [u] = opt.update(g(), opt.init(p()), p());
    expect(u.b!.get(0, 0)).toBe(1); // −1·(−1): Adam did not touch b
    expect(u.w!.get(0, 0)).toBeCloseTo(-1, 6); // Adam's first step is ±1 per entry
    expect(() => chain('m', { x: masked(['nope'], scaleByAdam()) }).init(p())).toThrow(
      InvalidArgumentError,
    );
  });

  it('restore validates every stage: wrong buffers, a missing stage, NaN', () => {
    const opt = chain('m', { momentum: heavyBall({ momentum: 0.5 }), lr: scaleByLearningRate(1) });
    const good = opt.init(p());
    expect(() => opt.restore(good, p())).not.toThrow();
    const short = {
      ...good,
      momentum: { step: 0, buffers: { w: new Float64Array(1), b: new Float64Array(1) } },
    };
    expect(() => opt.restore(short, p())).toThrow(/m.restore: argument 'state.momentum.buffers.w'/);
    const missing = Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'lr'));
    expect(() => opt.restore(missing, p())).toThrow(/state.lr/);
    const nan = {
      ...good,
      momentum: { step: Number.NaN, buffers: (good.momentum as { buffers: unknown }).buffers },
    };
    expect(() => opt.restore(nan, p())).toThrow(NonFiniteError);
  });

  it('rejects invalid stages and options with the function the user called', () => {
    expect(() => chain('', {})).toThrow(InvalidArgumentError);
    expect(() => chain('x', { a: {} as never })).toThrow(/chain: argument 'transforms.a'/);
    expect(() => heavyBall({ momentum: 0, nesterov: true })).toThrow(
      /heavyBall: argument 'options.nesterov'/,
    );
    expect(() => addWeightDecay({ weightDecay: -1 })).toThrow(
      /addWeightDecay: argument 'options.weightDecay'/,
    );
    expect(() => scaleByLearningRate(-1)).toThrow(/scaleByLearningRate: argument 'learningRate'/);
  });
});

describe('the K-FAC preconditioner alone, on plain matrices', () => {
  it('equals the K-factor routines on hand-made X̃ and E, without the autograd', () => {
    const x = fromRows([
      [0.5, 1, 1],
      [-1, 2, 1],
      [0.25, -0.5, 1],
    ]);
    const e = fromRows([
      [0.1, -0.3],
      [0.2, 0.05],
      [-0.1, 0.4],
    ]);
    const weight = fromRows([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    const factors = { rank: 2, damping: 0.1, clip: null };
    const opt = chain('precondition-only', {
      kfac: kfacPreconditioner('rs-kfac', { batchSize: 3, factors, seed: 0 }),
    });
    const params = { w: weight };
    const [u] = opt.update({}, opt.init(params), params, {
      curvature: { w: { input: x, outputGrad: e, fisherOutputGrad: null } },
    });
    const layer = createLayerState(
      { strategy: 'rs-kfac', ...factors },
      { inputDim: 3, outputDim: 2, batchSize: 3, seed: 0 },
    );
    updateLayer(layer, { step: 0, epoch: 0 }, { inputs: x, gradients: e });
    const expected = expandFactored(preconditionFactored(layer, x, e));
    expect(Array.from(u.w!.data)).toEqual(Array.from(expected.data));
    // And it is a natural gradient of Eᵀ·X̃, not the gradient itself.
    const raw = gemm(e, x, { transA: true });
    expect(Array.from(u.w!.data)).not.toEqual(Array.from(raw.data));
  });
});
