import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError, fromRows } from '@bkfac/linalg';
import type { StrategyName } from '@bkfac/kfactors';
import { kfacOptimizer, mlp, sequential } from '@bkfac/nn';
import type {
  ChainState,
  Curvature,
  KfacOptions,
  KfacPreconditionerState,
  Optimizer,
  Params,
} from '@bkfac/nn';

/** The K-factor states inside a K-FAC optimizer's state. */
const layersOf = (state: ChainState) => (state.preconditioner as KfacPreconditionerState).layers;
import {
  matOf,
  maxAbs,
  mul,
  randomRows,
  rowsOf,
  sub,
  transpose,
} from '../../../test-support/reference';
import { numericGradient } from './gradcheck';

type Rows = number[][];

/** A sequence of (gradients, curvature) from real backward passes of a one-layer 4→5 softmax model. */
function batches(count: number, n: number, seed: number) {
  const model = mlp({ sizes: [4, 5] });
  const params = model.init(seed);
  return Array.from({ length: count }, (_, s) => {
    const x = matOf(randomRows(n, 4, seed + 10 * s + 1));
    const labels = Array.from({ length: n }, (_, i) => (i * 3 + s) % 5);
    return model.lossAndGradients(params, { x, labels }, { curvature: 'empirical' });
  }).map((r) => ({ params, grads: r.gradients, curvature: r.curvature! }));
}

/** The updates an optimizer produces over a fixed sequence of gradients (parameters held fixed). */
function updatesOver<S>(opt: Optimizer<S>, steps: ReturnType<typeof batches>): Rows[] {
  const params = steps[0]!.params;
  let state = opt.init(params);
  return steps.map(({ grads, curvature }) => {
    const [u, next] = opt.update(grads, state, params, { curvature });
    state = next;
    return rowsOf(u.linear0!);
  });
}

const exactSchedule = { update: 1, inverse: 1, brand: 1, overwrite: 2, correction: 1 };
const base = (factors: KfacOptions['factors']): KfacOptions => ({
  layers: ['linear0'],
  batchSize: 3,
  learningRate: 1,
  weightDecay: 0,
  factors: { rank: 5, damping: 0.1, clip: null, periods: exactSchedule, ...factors },
});

describe('K-FAC family at full rank', () => {
  const steps = batches(4, 3, 7);
  const reference = updatesOver(
    kfacOptimizer('kfac', { ...base({ dampingMode: 'tikhonov' }), preconditioner: 'dense' }),
    steps,
  );

  it.each([
    ['rs-kfac', 'auto'],
    ['sre-kfac', 'auto'],
    ['b-kfac', 'auto'],
    ['b-kfac', 'force'],
    ['b-r-kfac', 'force'],
    ['b-kfac-c', 'force'],
  ] as const)(
    '%s (brand rule %s) with rank = d takes the steps of dense per-factor-damped K-FAC',
    (strategy, rule) => {
      const got = updatesOver(
        kfacOptimizer(strategy as StrategyName, base({ brandRule: rule })),
        steps,
      );
      got.forEach((u, t) => {
        const scale = maxAbs(reference[t]!);
        expect(maxAbs(sub(u, reference[t]!))).toBeLessThan(1e-10 * scale);
      });
      expect(maxAbs(reference[0]!)).toBeGreaterThan(0);
    },
  );

  it('factored and dense preconditioning give the same step', () => {
    const dense = updatesOver(
      kfacOptimizer('b-kfac', { ...base({ brandRule: 'force' }), preconditioner: 'dense' }),
      steps,
    );
    const factored = updatesOver(
      kfacOptimizer('b-kfac', { ...base({ brandRule: 'force' }), preconditioner: 'factored' }),
      steps,
    );
    factored.forEach((u, t) =>
      expect(maxAbs(sub(u, dense[t]!))).toBeLessThan(1e-12 * maxAbs(dense[t]!)),
    );
  });
});

describe('K-FAC optimizer bookkeeping', () => {
  const steps = batches(3, 3, 11);

  it('other parameters get the plain update −η(g + wθ), with momentum, from the decay delay on', () => {
    const opt = kfacOptimizer('rs-kfac', {
      ...base({}),
      momentum: 0.5,
      weightDecay: 0.1,
      weightDecayDelay: 1,
      learningRate: 0.5,
    });
    const params: Params = { ...steps[0]!.params, extra: fromRows([[2, -4]]) };
    let state = opt.init(params);
    const g = fromRows([[1, 1]]);
    const expected = [
      [-0.5 * 1, -0.5 * 1], // step 0: no decay yet, b = g
      [-0.5 * (0.5 * 1 + 1 + 0.2), -0.5 * (0.5 * 1 + 1 - 0.4)], // step 1: b = μb + g + wθ
    ];
    expected.forEach((e, t) => {
      const [u, next] = opt.update({ ...steps[t]!.grads, extra: g }, state, params, {
        curvature: steps[t]!.curvature,
      });
      state = next;
      rowsOf(u.extra!)[0]!.forEach((v, j) => expect(v).toBeCloseTo(e[j]!, 14));
    });
  });

  it('weight decay starts at step 20·T_updt by default and is not preconditioned', () => {
    const opt = kfacOptimizer('rs-kfac', {
      ...base({ periods: { update: 1, inverse: 1 } }),
      weightDecay: 0.5,
    });
    const params = steps[0]!.params;
    let state = opt.init(params);
    const noDecay = kfacOptimizer('rs-kfac', {
      ...base({ periods: { update: 1, inverse: 1 } }),
      weightDecay: 0,
    });
    let plain = noDecay.init(params);
    for (let t = 0; t < 21; t++) {
      const { grads, curvature } = steps[t % 3]!;
      const [u, s] = opt.update(grads, state, params, { curvature });
      const [v, p] = noDecay.update(grads, plain, params, { curvature });
      [state, plain] = [s, p];
      const diff = sub(rowsOf(u.linear0!), rowsOf(v.linear0!));
      const decay = rowsOf(params.linear0!).map((r) => r.map((x) => -0.5 * x));
      expect(maxAbs(sub(diff, t < 20 ? diff.map((r) => r.map(() => 0)) : decay))).toBeLessThan(
        1e-12,
      );
    }
  });

  it('asks for statistics only on due steps, and for X̃/E every step when factored', () => {
    const dense = kfacOptimizer('rs-kfac', {
      ...base({ periods: { update: 2, inverse: 2 } }),
      preconditioner: 'dense',
    });
    const factored = kfacOptimizer('rs-kfac', { ...base({ periods: { update: 2, inverse: 2 } }) });
    for (const [opt, batchEveryStep] of [
      [dense, false],
      [factored, true],
    ] as const) {
      let state = opt.init(steps[0]!.params);
      const skip = batchEveryStep ? ['linear0'] : [];
      expect(opt.needsCurvature(state, 0)).toEqual({
        batch: true,
        statistics: true,
        skipGradients: skip,
      });
      for (let t = 0; t < 3; t++) {
        const { grads, params, curvature } = steps[t]!;
        const needs = opt.needsCurvature(state, 0);
        expect(needs).toEqual({
          batch: batchEveryStep || t % 2 === 0,
          statistics: t % 2 === 0,
          skipGradients: skip,
        });
        // The factored path never reads the layer's dense gradient: it may be left out.
        const given = batchEveryStep ? {} : grads;
        state = opt.update(given, state, params, needs.batch ? { curvature } : {})[1];
      }
    }
  });

  it('uses the sampled-label E for the statistics and the true-label E for the gradient', () => {
    const { grads, params, curvature } = steps[0]!;
    const c = curvature.linear0!;
    const swapped: Curvature = {
      linear0: {
        ...c,
        fisherOutputGrad: matOf(rowsOf(c.outputGrad).map((r) => r.map((v) => 2 * v))),
      },
    };
    const opt = kfacOptimizer('rs-kfac', { ...base({}), preconditioner: 'dense' });
    const [, state] = opt.update(grads, opt.init(params), params, { curvature: swapped });
    const [, reference] = opt.update(grads, opt.init(params), params, { curvature });
    // G = n·EᵀE scales by 4 when E doubles; A is unchanged.
    expect(layersOf(state).linear0!.g.average![0]).toBeCloseTo(
      4 * layersOf(reference).linear0!.g.average![0]!,
      12,
    );
    expect(Array.from(layersOf(state).linear0!.a.average!)).toEqual(
      Array.from(layersOf(reference).linear0!.a.average!),
    );
  });

  it('rejects missing curvature, unknown layers and invalid options', () => {
    const { grads, params, curvature } = steps[0]!;
    const opt = kfacOptimizer('b-kfac', base({}));
    expect(() => opt.update(grads, opt.init(params), params)).toThrow(InvalidArgumentError);
    expect(() => opt.update(grads, opt.init(params), params, { curvature: {} })).toThrow(
      InvalidArgumentError,
    );
    expect(() => kfacOptimizer('b-kfac', { layers: ['nope'], batchSize: 3 }).init(params)).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      kfacOptimizer('kfac', { layers: ['linear0'], batchSize: 3, preconditioner: 'factored' }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      kfacOptimizer('b-kfac', {
        layers: ['linear0'],
        batchSize: 3,
        preconditioner: 'sparse' as 'dense',
      }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      kfacOptimizer('b-kfac', { layers: ['linear0'], batchSize: 3, momentum: 1 }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      kfacOptimizer('b-kfac', { layers: ['linear0'], batchSize: 3, factors: { decay: 2 } }),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      kfacOptimizer('magic' as StrategyName, { layers: ['linear0'], batchSize: 3 }),
    ).toThrow(InvalidArgumentError);
    // The LL rule needs the batch size when init builds the K-factors.
    expect(() =>
      kfacOptimizer('b-kfac', { layers: ['linear0'] } as unknown as KfacOptions),
    ).toThrow(/kfacOptimizer: argument 'options.batchSize'/);
    expect(() => kfacOptimizer('b-kfac', null as unknown as KfacOptions)).toThrow(
      InvalidArgumentError,
    );
    expect(() => opt.update(grads, opt.init(params), params, { curvature, epoch: 0.5 })).toThrow(
      InvalidArgumentError,
    );
  });
});

/** Solves F z = b by Gaussian elimination with partial pivoting (test-only, naive). */
function solve(f: Rows, b: number[]): number[] {
  const n = b.length;
  const a = f.map((r, i) => [...r, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = c + 1; r < n; r++) {
      const m = a[r]![c]! / a[c]![c]!;
      for (let k = c; k <= n; k++) a[r]![k]! -= m * a[c]![k]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= a[r]![k]! * z[k]!;
    z[r] = s / a[r]![r]!;
  }
  return z;
}

describe('deep linear network with squared loss', () => {
  it('the K-FAC block preconditioner is the exact Fisher block inverse', () => {
    // 3 → 3 → 3 linear layers: the output Jacobian B_l of each pre-activation is constant, so the
    // Fisher block F_l = (1/n)Σ J_iᵀJ_i factorises exactly as G ⊗ A with A = X̃ᵀX̃/n and G = BᵀB
    // (both invertible here: square layers, inputs spanning their affine space).
    const model = sequential([
      { type: 'linear', inFeatures: 3, outFeatures: 3 },
      { type: 'linear', inFeatures: 3, outFeatures: 3 },
    ]);
    const params = model.init(5);
    const n = 8;
    const x = matOf(randomRows(n, 3, 21));
    const targets = matOf(randomRows(n, 3, 22));
    const r = model.lossAndGradients(
      params,
      { x, targets },
      { loss: 'squared-error', curvature: 'empirical' },
    );
    const outputs = rowsOf(r.outputs);
    for (const layer of model.linearLayers) {
      const w = params[layer.key]!;
      const [dOut, dA] = w.shape as [number, number];
      // Exact Fisher block from per-sample output Jacobians (central differences; exact for a linear map).
      const jac: Rows[] = Array.from({ length: n }, () => []);
      for (let k = 0; k < 3; k++) {
        for (let i = 0; i < n; i++) {
          const row = numericGradient(() => model.forward(params, x).get(i, k), w).flat();
          jac[i]!.push(row);
        }
      }
      const size = dOut * dA;
      const fisher: Rows = Array.from({ length: size }, () => new Array<number>(size).fill(0));
      for (const j of jac) {
        const jtj = mul(transpose(j), j);
        for (let a = 0; a < size; a++)
          for (let b = 0; b < size; b++) fisher[a]![b]! += jtj[a]![b]! / n;
      }
      // Unit output directions: targets y − e_k make every row of E equal to Bᵀe_k / n, so rows
      // r_k = √n·E_0 give the exact G = n·Σ_k r_k r_kᵀ = Σ_k Bᵀe_k e_kᵀB = BᵀB.
      const eRows: number[][] = [];
      for (let k = 0; k < 3; k++) {
        const t = matOf(outputs.map((row) => row.map((v, j) => (j === k ? v - 1 : v))));
        const e = rowsOf(
          model.lossAndGradients(
            params,
            { x, targets: t },
            { loss: 'squared-error', curvature: 'empirical' },
          ).curvature![layer.key]!.outputGrad,
        );
        eRows.push(e[0]!.map((v) => v * Math.sqrt(n)));
      }
      while (eRows.length < n) eRows.push(new Array<number>(dOut).fill(0));
      const curvature: Curvature = {
        [layer.key]: { ...r.curvature![layer.key]!, fisherOutputGrad: matOf(eRows) },
      };
      // K-FAC (Kronecker damping) with λ = 0 and ρ tiny: the factors are the batch factors
      // and the only shift is the identity initialisation ρ = 1e-13.
      const opt = kfacOptimizer('kfac', {
        layers: [layer.key],
        batchSize: n,
        learningRate: 1,
        weightDecay: 0,
        factors: { damping: 0, decay: 1e-13, clip: null, periods: { update: 1, inverse: 1 } },
      });
      const [u] = opt.update(r.gradients, opt.init(params), params, { curvature });
      const expected = solve(fisher, rowsOf(r.gradients[layer.key]!).flat()).map((v) => -v);
      const got = rowsOf(u[layer.key]!).flat();
      const scale = Math.max(...expected.map(Math.abs));
      got.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThan(1e-7 * scale));
    }
  });
});
