import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
  createRng,
  fromRows,
} from '@bkfac/linalg';
import {
  SPARSE_FAN_IN,
  autoencoder,
  mlp,
  sampleBernoulli,
  sampleLabels,
  sequential,
} from '@bkfac/nn';
import type { Sequential } from '@bkfac/nn';
import {
  arbSeed,
  matOf,
  mul,
  randomRows,
  rowsOf,
  transpose,
  scale,
  maxAbs,
  sub,
} from '../../../test-support/reference';
import { GRADIENT_TOLERANCE, gradientGap, numericGradient } from './gradcheck';

type Rows = number[][];

const arbNet = fc.record({
  sizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 4 }),
  activation: fc.constantFrom('relu' as const, 'tanh' as const),
  dropout: fc.constantFrom(0, 0.3),
  bias: fc.boolean(),
  n: fc.integer({ min: 1, max: 5 }),
  seed: arbSeed,
});

function labelsFor(n: number, classes: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => (seed * 7 + i * 3) % classes);
}

describe('Sequential gradients', () => {
  it('match central differences on random MLPs (relu/tanh, dropout, with and without bias, both losses)', () => {
    fc.assert(
      fc.property(
        arbNet,
        fc.boolean(),
        ({ sizes, activation, dropout, bias, n, seed }, crossEntropy) => {
          const model = mlp({ sizes, activation, dropout, bias });
          const params = model.init(seed);
          const x = matOf(randomRows(n, sizes[0]!, seed + 1));
          const out = sizes[sizes.length - 1]!;
          const batch = crossEntropy
            ? { x, labels: labelsFor(n, out, seed) }
            : { x, targets: matOf(randomRows(n, out, seed + 2)) };
          const loss = crossEntropy ? ('cross-entropy' as const) : ('squared-error' as const);
          // A fresh generator with the same seed draws the same dropout masks every call.
          const run = () => model.lossAndGradients(params, batch, { loss, rng: createRng(seed) });
          const { gradients } = run();
          for (const l of model.linearLayers) {
            const numeric = numericGradient(() => run().loss, params[l.key]!);
            expect(gradientGap(rowsOf(gradients[l.key]!), numeric)).toBeLessThan(
              GRADIENT_TOLERANCE,
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('forward equals the naive composition and ignores dropout outside training', () => {
    const model = mlp({ sizes: [3, 4, 2], dropout: 0.5 });
    const params = model.init(5);
    const x = randomRows(2, 3, 9);
    const ref = naiveForward(model, params, x).outputs;
    expect(maxAbs(sub(rowsOf(model.forward(params, matOf(x))), ref))).toBeLessThan(1e-14);
  });
});

/** Naive forward pass with the test's own products; returns every layer's X̃ and the outputs. */
function naiveForward(
  model: Sequential,
  params: Record<string, ReturnType<typeof matOf>>,
  x: Rows,
  from?: { layer: number; s: Rows },
) {
  let h = x;
  const inputs: Rows[] = [];
  let k = 0;
  for (const layer of model.layers) {
    if (layer.type === 'linear') {
      const info = model.linearLayers[k]!;
      const xt = info.bias ? h.map((r) => [...r, 1]) : h;
      inputs.push(xt);
      h =
        from !== undefined && from.layer === k
          ? from.s
          : mul(xt, transpose(rowsOf(params[info.key]!)));
      k++;
    } else if (layer.type === 'relu') h = h.map((r) => r.map((v) => Math.max(v, 0)));
    else if (layer.type === 'tanh') h = h.map((r) => r.map(Math.tanh));
    else if (layer.type === 'sigmoid') h = h.map((r) => r.map((v) => 1 / (1 + Math.exp(-v))));
  }
  return { inputs, outputs: h };
}

function crossEntropyRows(z: Rows, labels: readonly number[]): number[] {
  return z.map((r, i) => {
    const m = Math.max(...r);
    return m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0)) - r[labels[i]!]!;
  });
}

describe('K-factor statistics', () => {
  it('A = X̃ᵀX̃/n and G = n·EᵀE from a real backward equal the hand-computed (1/n)Σ x̃x̃ᵀ and (1/n)Σ êêᵀ', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 2, max: 6 }), { minLength: 2, maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
        arbSeed,
        (sizes, n, seed) => {
          const model = mlp({ sizes, activation: 'tanh' });
          const params = model.init(seed);
          const x = randomRows(n, sizes[0]!, seed + 1);
          const labels = labelsFor(n, sizes[sizes.length - 1]!, seed);
          const r = model.lossAndGradients(
            params,
            { x: matOf(x), labels },
            { curvature: 'empirical' },
          );
          const hand = naiveForward(model, params, x);
          model.linearLayers.forEach((l, k) => {
            const xt = hand.inputs[k]!;
            const aHand = scale(mul(transpose(xt), xt), 1 / n);
            const xCap = rowsOf(r.curvature![l.key]!.input);
            const aCap = scale(mul(transpose(xCap), xCap), 1 / n);
            expect(maxAbs(sub(aCap, aHand))).toBeLessThan(1e-13 * (1 + maxAbs(aHand)));
            // ê_i = ∂ℓ_i/∂s_i of the per-sample loss, by central differences through the naive network.
            const s = mul(xt, transpose(rowsOf(params[l.key]!)));
            const perSample = s.map((_, i) => {
              const si = matOf([s[i]!]);
              const f = () => {
                const full = s.map((row, j) => (j === i ? rowsOf(si)[0]! : row));
                return crossEntropyRows(
                  naiveForward(model, params, x, { layer: k, s: full }).outputs,
                  labels,
                )[i]!;
              };
              return numericGradient(f, si)[0]!;
            });
            const gHand = scale(mul(transpose(perSample), perSample), 1 / n);
            const e = rowsOf(r.curvature![l.key]!.outputGrad);
            const gCap = scale(mul(transpose(e), e), n);
            expect(maxAbs(sub(gCap, gHand))).toBeLessThan(1e-7 * (1 + maxAbs(gHand)));
          });
        },
      ),
      { numRuns: 25 },
    );
  });

  it("'true' Fisher adds E from labels sampled from the model's softmax; gradients and E keep the true labels", () => {
    const model = mlp({ sizes: [5, 6, 4], dropout: 0.2 });
    const params = model.init(3);
    const x = matOf(randomRows(7, 5, 4));
    const labels = labelsFor(7, 4, 1);
    const sampled = model.lossAndGradients(
      params,
      { x, labels },
      { curvature: 'true', rng: createRng(11) },
    );
    // Replay: same dropout mask (first draws of the generator), then the same label draws.
    const rng = createRng(11);
    const logits = model.lossAndGradients(params, { x, labels }, { rng }).outputs;
    const drawn = Array.from(sampleLabels(logits, rng));
    const viaDrawn = model.lossAndGradients(
      params,
      { x, labels: drawn },
      { curvature: 'empirical', rng: createRng(11) },
    );
    const empirical = model.lossAndGradients(
      params,
      { x, labels },
      { curvature: 'empirical', rng: createRng(11) },
    );
    for (const l of model.linearLayers) {
      const c = sampled.curvature![l.key]!;
      expect(rowsOf(c.fisherOutputGrad!)).toEqual(rowsOf(viaDrawn.curvature![l.key]!.outputGrad));
      expect(rowsOf(c.outputGrad)).toEqual(rowsOf(empirical.curvature![l.key]!.outputGrad));
      expect(rowsOf(c.input)).toEqual(rowsOf(empirical.curvature![l.key]!.input));
      expect(rowsOf(sampled.gradients[l.key]!)).toEqual(rowsOf(empirical.gradients[l.key]!));
      expect(empirical.curvature![l.key]!.fisherOutputGrad).toBeNull();
    }
    expect(drawn).not.toEqual(labels);
  });
});

describe('autoencoder', () => {
  it('mirrors the encoder, keeps the code layer linear and ends in logits', () => {
    const model = autoencoder({ sizes: [784, 1000, 500, 250, 30] });
    expect(model.linearLayers.map((l) => `${l.inFeatures}-${l.outFeatures}`)).toEqual([
      '784-1000',
      '1000-500',
      '500-250',
      '250-30',
      '30-250',
      '250-500',
      '500-1000',
      '1000-784',
    ]);
    const kinds = model.layers.map((l) => l.type).join(' ');
    expect(kinds).toBe(
      'linear sigmoid linear sigmoid linear sigmoid linear linear sigmoid linear sigmoid linear sigmoid linear',
    );
    expect(() => autoencoder({ sizes: [3] })).toThrow(InvalidArgumentError);
  });

  it('sparse initialisation gives each unit SPARSE_FAN_IN nonzero N(0, 1) inputs and a zero bias', () => {
    const model = autoencoder({ sizes: [40, 20, 8] });
    const params = model.init(2);
    for (const l of model.linearLayers) {
      const rows = rowsOf(params[l.key]!);
      for (const r of rows) {
        expect(r[r.length - 1]).toBe(0);
        const nonzero = r.slice(0, -1).filter((v) => v !== 0).length;
        expect(nonzero).toBe(Math.min(SPARSE_FAN_IN, l.inFeatures));
      }
    }
    // 8·20 + 20·40 + 40·8 + 8·20 nonzero weights: their variance is that of N(0, 1).
    const weights = model.linearLayers.flatMap((l) =>
      rowsOf(params[l.key]!).flatMap((r) => r.slice(0, -1).filter((v) => v !== 0)),
    );
    const variance = weights.reduce((a, v) => a + v * v, 0) / weights.length;
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / weights.length));
    expect(() =>
      sequential([{ type: 'linear', inFeatures: 2, outFeatures: 2, init: 'he' as never }]),
    ).toThrow(/sequential.*layers\[0\]\.init/);
  });

  it('Bernoulli-loss gradients match central differences through sigmoid layers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), arbSeed, (n, seed) => {
        const model = autoencoder({ sizes: [5, 4, 2], init: 'uniform' });
        const params = model.init(seed);
        const u = createRng(seed + 1);
        const x = matOf(Array.from({ length: n }, () => Array.from({ length: 5 }, () => u.next())));
        const run = () => model.lossAndGradients(params, { x, targets: x }, { loss: 'bernoulli' });
        const { gradients, outputs } = run();
        const ref = naiveForward(model, params, rowsOf(x)).outputs;
        expect(maxAbs(sub(rowsOf(outputs), ref))).toBeLessThan(1e-13);
        for (const l of model.linearLayers) {
          const numeric = numericGradient(() => run().loss, params[l.key]!);
          expect(gradientGap(rowsOf(gradients[l.key]!), numeric)).toBeLessThan(GRADIENT_TOLERANCE);
        }
      }),
      { numRuns: 25 },
    );
  });

  it("'true' Fisher with the Bernoulli loss takes E from targets sampled from σ(outputs)", () => {
    const model = autoencoder({ sizes: [6, 3], init: 'uniform' });
    const params = model.init(4);
    const u = createRng(5);
    const x = matOf(Array.from({ length: 5 }, () => Array.from({ length: 6 }, () => u.next())));
    const options = { loss: 'bernoulli' as const, curvature: 'true' as const, rng: createRng(8) };
    const sampled = model.lossAndGradients(params, { x, targets: x }, options);
    const drawn = sampleBernoulli(sampled.outputs, createRng(8));
    const viaDrawn = model.lossAndGradients(
      params,
      { x, targets: drawn },
      { loss: 'bernoulli', curvature: 'empirical' },
    );
    for (const l of model.linearLayers) {
      const c = sampled.curvature![l.key]!;
      expect(rowsOf(c.fisherOutputGrad!)).toEqual(rowsOf(viaDrawn.curvature![l.key]!.outputGrad));
    }
    expect(() => model.lossAndGradients(params, { x }, { loss: 'bernoulli' })).toThrow(
      /batch\.targets/,
    );
    expect(() =>
      model.lossAndGradients(params, { x, targets: x }, { loss: 'hinge' as never }),
    ).toThrow(/options\.loss/);
  });
});

describe('skipping weight gradients', () => {
  it('omits the skipped keys, keeps the others and still captures E for every layer', () => {
    const model = mlp({ sizes: [4, 5, 3] });
    const params = model.init(2);
    const batch = { x: matOf(randomRows(6, 4, 8)), labels: labelsFor(6, 3, 1) };
    const full = model.lossAndGradients(params, batch, { curvature: 'empirical' });
    const some = model.lossAndGradients(params, batch, {
      curvature: 'empirical',
      skipGradients: ['linear0'],
    });
    expect(Object.keys(some.gradients)).toEqual(['linear1']);
    expect(rowsOf(some.gradients.linear1!)).toEqual(rowsOf(full.gradients.linear1!));
    const none = model.lossAndGradients(params, batch, {
      curvature: 'empirical',
      skipGradients: ['linear0', 'linear1'],
    });
    expect(Object.keys(none.gradients)).toEqual([]);
    for (const l of model.linearLayers) {
      expect(rowsOf(none.curvature![l.key]!.outputGrad)).toEqual(
        rowsOf(full.curvature![l.key]!.outputGrad),
      );
    }
  });
});

describe('Sequential errors', () => {
  const model = mlp({ sizes: [3, 4, 2] });
  const params = model.init(1);
  const x = fromRows([[1, 2, 3]]);

  it('rejects bad batches with typed errors', () => {
    expect(() => model.lossAndGradients(params, { x, labels: [2] })).toThrow(InvalidArgumentError);
    expect(() => model.lossAndGradients(params, { x: fromRows([[1, 2]]), labels: [0] })).toThrow(
      ShapeError,
    );
    expect(() =>
      model.lossAndGradients(params, { x: fromRows([[1, Number.NaN, 3]]), labels: [0] }),
    ).toThrow(NonFiniteError);
    expect(() => model.lossAndGradients(params, { x: matOf([], 3), labels: [] })).toThrow(
      ShapeError,
    );
    expect(() => model.lossAndGradients(params, { x })).toThrow(InvalidArgumentError);
    expect(() =>
      model.lossAndGradients(params, { x, labels: [0] }, { loss: 'squared-error' }),
    ).toThrow(InvalidArgumentError);
    expect(() => model.lossAndGradients(params, { x, labels: [0] }, { curvature: 'true' })).toThrow(
      InvalidArgumentError,
    );
    expect(() =>
      model.lossAndGradients(params, { x, labels: [0] }, { curvature: 'bogus' as 'true' }),
    ).toThrow(InvalidArgumentError);
    expect(() => model.forward(params, fromRows([[Infinity, 0, 0]]))).toThrow(NonFiniteError);
    expect(() => model.lossAndGradients(params, null as never)).toThrow(InvalidArgumentError);
    expect(() => model.forward(null as never, x)).toThrow(InvalidArgumentError);
  });

  it('rejects missing or misshapen parameters and dropout without a generator', () => {
    expect(() => model.forward({ linear0: params.linear0! }, x)).toThrow(InvalidArgumentError);
    expect(() => model.forward({ ...params, linear1: fromRows([[1]]) }, x)).toThrow(ShapeError);
    const dropped = mlp({ sizes: [3, 4, 2], dropout: 0.5 });
    expect(() => dropped.lossAndGradients(dropped.init(1), { x, labels: [0] })).toThrow(
      InvalidArgumentError,
    );
  });

  it('rejects malformed layer lists', () => {
    expect(() => sequential([{ type: 'relu' }])).toThrow(InvalidArgumentError);
    expect(() => sequential([{ type: 'linear', inFeatures: 0, outFeatures: 2 }])).toThrow(
      InvalidArgumentError,
    );
    expect(() => sequential([{ type: 'conv' } as never])).toThrow(InvalidArgumentError);
    expect(() =>
      sequential([
        { type: 'dropout', rate: 1 },
        { type: 'linear', inFeatures: 1, outFeatures: 1 },
      ]),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      sequential([
        { type: 'linear', inFeatures: 2, outFeatures: 3 },
        { type: 'linear', inFeatures: 4, outFeatures: 1 },
      ]),
    ).toThrow(ShapeError);
    expect(() => mlp({ sizes: [3] })).toThrow(InvalidArgumentError);
    expect(() => model.init(Number.NaN)).toThrow(InvalidArgumentError);
  });
});
