import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError, NonFiniteError, ShapeError, fromRows, zeros } from '@bkfac/linalg';
import {
  adam,
  adamw,
  applyUpdates,
  applyUpdatesInPlace,
  cloneParams,
  paperFactorConfig,
  paperLearningRate,
  sgd,
  zerosLike,
} from '@bkfac/nn';
import type { Optimizer, Params } from '@bkfac/nn';
import { EPS, awkwardView, rowsOf } from '../../../test-support/reference';

/** Runs `opt` on a scalar parameter θ over a gradient sequence; returns the updates. */
function scalarRun<S>(opt: Optimizer<S>, theta: number, grads: number[]): number[] {
  let params: Params = { w: fromRows([[theta]]) };
  let state = opt.init(params);
  return grads.map((g) => {
    const [u, next] = opt.update({ w: fromRows([[g]]) }, state, params);
    state = next;
    params = applyUpdates(params, u);
    return u.w!.get(0, 0);
  });
}

function expectClose(actual: number[], expected: number[]): void {
  actual.forEach((a, i) =>
    expect(Math.abs(a - expected[i]!)).toBeLessThanOrEqual(4 * EPS * Math.abs(expected[i]!)),
  );
}

describe('sgd', () => {
  it('plain and weight-decayed steps are −η(g + wθ)', () => {
    expectClose(scalarRun(sgd({ learningRate: 0.1 }), 1, [2, -1]), [-0.2, 0.1]);
    // θ: 1 → 1 − 0.1(2 + 0.5) = 0.75 → update −0.1(−1 + 0.375)
    expectClose(
      scalarRun(sgd({ learningRate: 0.1, weightDecay: 0.5 }), 1, [2, -1]),
      [-0.25, 0.0625],
    );
  });

  it('heavy-ball momentum: b₁ = g₁, b ← μb + (1 − τ)g', () => {
    expectClose(
      scalarRun(sgd({ learningRate: 0.1, momentum: 0.9 }), 1, [1, 2, -1]),
      [-0.1, -0.29, -0.161],
    );
    expectClose(
      scalarRun(sgd({ learningRate: 0.1, momentum: 0.9, dampening: 0.5 }), 1, [1, 2]),
      [-0.1, -0.19],
    );
  });

  it('Nesterov uses g + μb', () => {
    expectClose(
      scalarRun(sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), 1, [1, 2]),
      [-0.19, -0.461],
    );
  });

  it('handles any strides and matrices of several entries', () => {
    const opt = sgd({ learningRate: 0.5, weightDecay: 1 });
    const params = {
      w: awkwardView([
        [1, 2],
        [3, 4],
      ]),
    };
    const [u] = opt.update(
      {
        w: awkwardView([
          [1, 0],
          [0, 1],
        ]).transpose(1, 0),
      },
      opt.init(params),
      params,
    );
    expect(rowsOf(u.w!)).toEqual([
      [-1, -1],
      [-1.5, -2.5],
    ]);
  });

  it('rejects invalid options', () => {
    expect(() => sgd({ learningRate: -1 })).toThrow(InvalidArgumentError);
    expect(() => sgd({ momentum: 1 })).toThrow(InvalidArgumentError);
    expect(() => sgd({ nesterov: true })).toThrow(InvalidArgumentError);
    expect(() => sgd({ momentum: 0.9, nesterov: true, dampening: 0.1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => sgd({ weightDecay: Number.NaN })).toThrow(InvalidArgumentError);
  });
});

describe('adam / adamw', () => {
  it('matches hand-computed bias-corrected steps', () => {
    expectClose(
      scalarRun(adam({ learningRate: 0.1 }), 1, [0.5, -1, 0.25]),
      [-0.09999999800000003, 0.03661035224056538, 0.013669066098410808],
    );
    // L2 decay enters the moments: g' = 0.5 + 0.1·2
    expectClose(
      scalarRun(adam({ learningRate: 0.1, weightDecay: 0.1 }), 2, [0.5]),
      [-0.09999999857142858],
    );
  });

  it('AdamW decays decoupled from the moments: zero gradient gives −ηwθ', () => {
    expectClose(scalarRun(adamw({ learningRate: 0.1, weightDecay: 0.5 }), 2, [0]), [-0.1]);
    expectClose(scalarRun(adamw({ learningRate: 0.1, weightDecay: 0 }), 2, [0]), [0]);
  });

  it('rejects invalid options', () => {
    expect(() => adam({ beta1: 1 })).toThrow(InvalidArgumentError);
    expect(() => adam({ beta2: -0.1 })).toThrow(InvalidArgumentError);
    expect(() => adam({ epsilon: 0 })).toThrow(InvalidArgumentError);
    expect(() => adamw({ weightDecay: -1 })).toThrow(InvalidArgumentError);
  });
});

describe('optimizer protocol', () => {
  const optimizers: Optimizer[] = [sgd({ learningRate: 0.1, momentum: 0.9 }), adam(), adamw()];

  it.each(optimizers.map((o) => [o.name, o] as const))(
    '%s: update is pure, updateInPlace equals it, state clones',
    (_name, opt) => {
      const params = { a: fromRows([[1, -2]]), b: fromRows([[3], [4]]) };
      const grads = { a: fromRows([[0.5, 0.25]]), b: fromRows([[-1], [2]]) };
      const state = opt.init(params);
      const before = JSON.stringify(structuredClone(state), (_k, v: unknown) =>
        ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v,
      );
      const [u1, s1] = opt.update(grads, state, params);
      const after = JSON.stringify(structuredClone(state), (_k, v: unknown) =>
        ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v,
      );
      expect(after).toBe(before);
      expect(rowsOf(params.a)).toEqual([[1, -2]]);
      const out = zerosLike(params);
      const s2 = opt.updateInPlace(grads, state, params, out);
      expect(s2).toBe(state);
      expect(rowsOf(out.a!)).toEqual(rowsOf(u1.a!));
      const [u3] = opt.update(grads, s1, params);
      const [u4] = opt.update(grads, structuredClone(s1), params);
      expect(rowsOf(u3.b!)).toEqual(rowsOf(u4.b!));
      expect(opt.needsCurvature(state, 0)).toEqual({
        batch: false,
        statistics: false,
        skipGradients: [],
      });
    },
  );

  it.each(optimizers.map((o) => [o.name, o] as const))(
    '%s: rejects bad gradients, shapes, outputs and epochs',
    (_name, opt) => {
      const params = { a: fromRows([[1, 2]]) };
      const state = opt.init(params);
      expect(() => opt.update({ a: fromRows([[Number.NaN, 0]]) }, state, params)).toThrow(
        NonFiniteError,
      );
      expect(() => opt.update({}, state, params)).toThrow(InvalidArgumentError);
      expect(() => opt.update({ a: fromRows([[1]]) }, state, params)).toThrow(ShapeError);
      expect(() => opt.update({ a: fromRows([[1, 2]]) }, state, params, { epoch: -1 })).toThrow(
        InvalidArgumentError,
      );
      expect(() =>
        opt.updateInPlace({ a: fromRows([[1, 2]]) }, state, params, {
          a: zeros(2, 1).transpose(1, 0).hi(1, 1),
        }),
      ).toThrow(ShapeError);
      expect(() =>
        opt.updateInPlace({ a: fromRows([[1, 2]]) }, state, params, { a: awkwardView([[0, 0]]) }),
      ).toThrow(InvalidArgumentError);
    },
  );
});

describe('learning-rate schedules (evaluated by @bkfac/kfactors at the 1-based epoch)', () => {
  const stepAt = (opt: Optimizer, epoch: number): number => {
    const params = { w: fromRows([[0]]) };
    return opt.update({ w: fromRows([[1]]) }, opt.init(params), params, { epoch })[0].w!.get(0, 0);
  };

  it('staircase: 0.3 / 3^⌊e/12⌋ with e = epoch + 1', () => {
    const opt = sgd({ learningRate: { kind: 'staircase', initial: 0.3, rate: 3, period: 12 } });
    expectClose(
      [stepAt(opt, 0), stepAt(opt, 10), stepAt(opt, 11), stepAt(opt, 23)],
      [-0.3, -0.3, -0.1, -0.3 / 9],
    );
  });

  it('exp with auto-scaling: √s·lr(e/s), s = batch/256', () => {
    const schedule = { kind: 'exp', initial: 0.3, rate: 9, period: 80 } as const;
    const opt = adam({ learningRate: { schedule, scaling: { workers: 1, batchSize: 128 } } });
    // Adam's first step has magnitude lr (m̂/√v̂ = 1), so the update reveals the rate.
    expectClose([stepAt(opt, 0)], [-(Math.sqrt(0.5) * 0.3 * (1 - 2 / 80) ** 9) / (1 + 1e-8)]);
    expectClose([stepAt(sgd({ learningRate: schedule }), 0)], [-0.3 * (79 / 80) ** 9]);
  });

  it('rejects malformed schedules at construction', () => {
    expect(() => sgd({ learningRate: { kind: 'linear' } as never })).toThrow(InvalidArgumentError);
    expect(() => sgd({ learningRate: null as never })).toThrow(InvalidArgumentError);
    expect(() =>
      adam({
        learningRate: {
          schedule: { kind: 'constant', initial: 0.1 },
          scaling: { workers: 0, batchSize: 1 },
        },
      }),
    ).toThrow(InvalidArgumentError);
  });
});

describe('paper presets', () => {
  it('follow the MNIST scripts and reject bad sizes', () => {
    expect(paperFactorConfig('b-kfac', 64)).toMatchObject({
      rank: 64,
      decay: 0.95,
      clip: 0.07,
      periods: { update: 20, inverse: 100, brand: 100 },
    });
    expect(paperFactorConfig('b-kfac-c').periods).toMatchObject({
      brand: 20,
      overwrite: 500,
      correction: 100,
    });
    expect(paperLearningRate(64)).toEqual({
      schedule: { kind: 'exp', initial: 0.3, rate: 9, period: 80 },
      scaling: { workers: 1, batchSize: 64 },
    });
    expect(() => paperFactorConfig('kfac', 0)).toThrow(InvalidArgumentError);
    expect(() => paperLearningRate(1.5)).toThrow(InvalidArgumentError);
  });
});

describe('parameter helpers', () => {
  it('zerosLike, cloneParams and applyUpdates(InPlace) work on any strides', () => {
    const p = {
      w: awkwardView([
        [1, 2],
        [3, 4],
      ]),
    };
    expect(rowsOf(zerosLike(p).w!)).toEqual([
      [0, 0],
      [0, 0],
    ]);
    const c = cloneParams(p);
    c.w!.set(0, 0, 9);
    expect(p.w.get(0, 0)).toBe(1);
    expect(
      rowsOf(
        applyUpdates(p, {
          w: fromRows([
            [1, 1],
            [1, 1],
          ]),
        }).w!,
      ),
    ).toEqual([
      [2, 3],
      [4, 5],
    ]);
    expect(p.w.get(1, 1)).toBe(4);
    applyUpdatesInPlace(p, {
      w: awkwardView([
        [1, 0],
        [0, 1],
      ]),
    });
    expect(rowsOf(p.w)).toEqual([
      [2, 2],
      [3, 5],
    ]);
    expect(() => applyUpdates(p, { w: fromRows([[1]]) })).toThrow(ShapeError);
    expect(() => applyUpdatesInPlace(p, {})).toThrow(InvalidArgumentError);
  });
});
