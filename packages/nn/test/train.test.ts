import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, NonFiniteError, ShapeError, fromRows, zeros } from '@bkfac/linalg';
import { defineStrategy } from '@bkfac/kfactors';
import type { StrategyName, StrategySpec } from '@bkfac/kfactors';
import { BRAND_SRE } from '../../../test-support/strategies';
import {
  Trainer,
  adam,
  arrayDataset,
  autoencoder,
  evaluate,
  evaluateReconstruction,
  kfacOptimizer,
  loadCheckpoint,
  loadMnist,
  mlp,
  saveCheckpoint,
  sgd,
} from '@bkfac/nn';
import type { Dataset, Optimizer, TrainerOptions, TrainerSnapshot } from '@bkfac/nn';

/** The first `n` training digits, 2x2 average-pooled to 14x14 so dense factors stay small (A₁ = 197). */
function pooledDigits(n: number, intensities = false): Dataset {
  const normalization = intensities ? { normalization: { mean: 0, std: 1 } } : {};
  const digits = loadMnist({ split: 'train', limit: n, ...normalization });
  const x = zeros(n, 784);
  const labels = new Int32Array(n);
  digits.gather(
    Array.from({ length: n }, (_, i) => i),
    x,
    labels,
  );
  const pooled = zeros(n, 196);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 14; r++) {
      for (let c = 0; c < 14; c++) {
        let sum = 0;
        for (const [dr, dc] of [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ] as const)
          sum += x.get(i, (2 * r + dr) * 28 + 2 * c + dc);
        pooled.set(i, r * 14 + c, sum / 4);
      }
    }
  }
  return arrayDataset(pooled, labels, 10);
}

// A small slice of the real digits and an MLP whose wide factors are Brand-updatable
// (rank 8 + batch 32 < d for A₁ = 197, G₁ = 64, A₂ = 65); G₂ = 10 is not.
const train = pooledDigits(400);
const sizes = [196, 64, 10];
const batchSize = 32;
const keys = ['linear0', 'linear1'];
const quickPeriods = { update: 5, inverse: 20, brand: 5, overwrite: 40, correction: 10 };

function family(strategy: StrategyName | StrategySpec): Optimizer<unknown> {
  return kfacOptimizer(strategy, {
    layers: keys,
    batchSize,
    learningRate: 0.1,
    factors: { rank: 8, periods: quickPeriods, damping: 0.1 },
    seed: 3,
  }) as Optimizer<unknown>;
}

const optimizers: Record<string, () => Optimizer<unknown>> = {
  sgd: () => sgd({ learningRate: 0.1, momentum: 0.9 }) as Optimizer<unknown>,
  adam: () => adam({ learningRate: 1e-3 }) as Optimizer<unknown>,
  kfac: () => family('kfac'),
  'rs-kfac': () => family('rs-kfac'),
  'sre-kfac': () => family('sre-kfac'),
  'b-kfac': () => family('b-kfac'),
  'b-r-kfac': () => family('b-r-kfac'),
  'b-kfac-c': () => family('b-kfac-c'),
  // A strategy of one's own is one record of existing refresh kinds.
  'b-sre-kfac (defined in the test)': () => family(defineStrategy(BRAND_SRE)),
};

describe('training smoke test: every optimizer lowers the training loss', () => {
  it.each(Object.keys(optimizers))('%s: 60 steps on 400 digits at least halve the loss', (name) => {
    const model = mlp({ sizes });
    const trainer = new Trainer({
      model,
      optimizer: optimizers[name]!(),
      data: train,
      batchSize,
      seed: 1,
    });
    const before = evaluate(model, trainer.params, train).loss;
    for (let i = 0; i < 60; i++) trainer.step();
    const after = evaluate(model, trainer.params, train);
    expect(after.loss).toBeLessThan(0.5 * before);
    expect(after.accuracy).toBeGreaterThan(0.8);
  });

  it('b-kfac really Brand-updates its wide factors (LL) and keeps the narrow one dense (CaSL)', () => {
    const model = mlp({ sizes });
    const trainer = new Trainer({
      model,
      optimizer: family('b-kfac'),
      data: train,
      batchSize,
      seed: 1,
    });
    trainer.step();
    const layers = (
      trainer.optimizerState as {
        preconditioner: {
          layers: Record<string, { a: { tracking: string }; g: { tracking: string } }>;
        };
      }
    ).preconditioner.layers;
    expect([
      layers.linear0!.a.tracking,
      layers.linear0!.g.tracking,
      layers.linear1!.a.tracking,
      layers.linear1!.g.tracking,
    ]).toEqual(['brand', 'brand', 'brand', 'dense']);
  });
});

describe('autoencoder training', () => {
  // 196 → 32 → 8 → 32 → 196 with logistic units; rank 8 + batch 32 < 196 and < 33 (Brand-updated).
  // Pixel intensities in [0, 1] are the Bernoulli targets.
  const pixels = pooledDigits(400, true);
  const encoder = [196, 32, 8];
  const aeKeys = ['linear0', 'linear1', 'linear2', 'linear3'];
  const make: Record<string, () => Optimizer<unknown>> = {
    sgd: () => sgd({ learningRate: 0.05, momentum: 0.9 }) as Optimizer<unknown>,
    adam: () => adam({ learningRate: 3e-3 }) as Optimizer<unknown>,
    'b-kfac': () =>
      kfacOptimizer('b-kfac', {
        layers: aeKeys,
        batchSize,
        learningRate: 0.1,
        factors: { rank: 8, periods: quickPeriods, damping: 0.1 },
        seed: 3,
      }) as Optimizer<unknown>,
  };

  it.each(Object.keys(make))(
    '%s: 80 steps of the Bernoulli loss (true Fisher) lower the reconstruction error',
    (name) => {
      const model = autoencoder({ sizes: encoder });
      const trainer = new Trainer({
        model,
        optimizer: make[name]!(),
        data: pixels,
        batchSize,
        seed: 2,
        loss: 'bernoulli',
        fisher: 'true',
      });
      const before = evaluateReconstruction(model, trainer.params, pixels);
      for (let i = 0; i < 80; i++) trainer.step();
      const after = evaluateReconstruction(model, trainer.params, pixels);
      expect(after.loss).toBeLessThan(before.loss);
      expect(after.error).toBeLessThan(0.8 * before.error);
    },
  );

  it('rejects a model whose outputs do not reconstruct the inputs, and an unknown loss', () => {
    const base = { optimizer: make.sgd!(), data: pixels, batchSize, seed: 1 };
    expect(
      () => new Trainer({ ...base, model: mlp({ sizes: [196, 10] }), loss: 'bernoulli' }),
    ).toThrow(/options\.data.*196 outputs/);
    expect(() => new Trainer({ ...base, model: mlp({ sizes }), loss: 'hinge' as never })).toThrow(
      /options\.loss/,
    );
    expect(() => evaluateReconstruction(mlp({ sizes }), mlp({ sizes }).init(1), pixels)).toThrow(
      ShapeError,
    );
  });
});

describe('checkpoint and resume', () => {
  const cases: [string, Partial<TrainerOptions<unknown>>, () => Optimizer<unknown>][] = [
    ['sgd with dropout', { model: mlp({ sizes, dropout: 0.2 }) }, optimizers.sgd!],
    ['adam', {}, optimizers.adam!],
    [
      'b-kfac-c with the true Fisher and dropout',
      { model: mlp({ sizes, dropout: 0.2 }), fisher: 'true' },
      optimizers['b-kfac-c']!,
    ],
    ['b-r-kfac across an overwrite', {}, optimizers['b-r-kfac']!],
    ['sre-kfac', {}, optimizers['sre-kfac']!],
  ];

  it.each(cases)(
    '%s: a run resumed from a checkpoint file continues bit for bit',
    (_name, extra, make) => {
      const options = (): TrainerOptions<unknown> => ({
        model: mlp({ sizes }),
        optimizer: make(),
        data: train,
        batchSize,
        seed: 4,
        ...extra,
      });
      const straight = new Trainer(options());
      const losses = Array.from({ length: 46 }, () => straight.step().loss);
      const first = new Trainer(options());
      for (let i = 0; i < 23; i++) first.step();
      const dir = mkdtempSync(join(tmpdir(), 'bkfac-resume-'));
      try {
        const path = join(dir, 'run.ckpt');
        saveCheckpoint(path, first.snapshot());
        const resumed = new Trainer(options(), loadCheckpoint(path) as TrainerSnapshot<unknown>);
        expect(resumed.steps).toBe(23);
        const tail = Array.from({ length: 23 }, () => resumed.step().loss);
        expect(tail).toEqual(losses.slice(23));
        for (const key of keys) {
          const a = straight.params[key]!.data;
          const b = resumed.params[key]!.data;
          expect(a.every((v, i) => Object.is(v, b[i]))).toBe(true);
        }
      } finally {
        rmSync(dir, { recursive: true });
      }
    },
  );

  it('a corrupt checkpoint is a typed error, not a run: NaN weights, NaN or broken K-factors', () => {
    const options = (make: () => Optimizer<unknown>): TrainerOptions<unknown> => ({
      model: mlp({ sizes }),
      optimizer: make(),
      data: train,
      batchSize,
      seed: 4,
    });
    const trained = (make: () => Optimizer<unknown>): TrainerSnapshot<unknown> => {
      const t = new Trainer(options(make));
      for (let i = 0; i < 6; i++) t.step();
      return t.snapshot();
    };
    type Layers = {
      preconditioner: { layers: Record<string, { a: { values: Float64Array; dim: number } }> };
    };
    const bKfac = optimizers['b-kfac']!;
    const good = trained(bKfac);
    expect(() => new Trainer(options(bKfac), good)).not.toThrow();

    const nanWeight = trained(bKfac);
    nanWeight.params.linear0!.data[3] = NaN;
    expect(() => new Trainer(options(bKfac), nanWeight)).toThrow(NonFiniteError);

    const nanValue = trained(bKfac);
    (nanValue.optimizerState as Layers).preconditioner.layers.linear0!.a.values[0] = NaN;
    expect(() => new Trainer(options(bKfac), nanValue)).toThrow(NonFiniteError);

    const wrongDim = trained(bKfac);
    (wrongDim.optimizerState as Layers).preconditioner.layers.linear1!.a.dim = 7;
    expect(() => new Trainer(options(bKfac), wrongDim)).toThrow(InvalidArgumentError);

    const foreignLayer = trained(bKfac);
    const layers = (foreignLayer.optimizerState as Layers).preconditioner.layers;
    layers.extra = layers.linear0!;
    expect(() => new Trainer(options(bKfac), foreignLayer)).toThrow(
      "b-kfac.restore: argument 'state.preconditioner.layers'",
    );

    const adamState = trained(optimizers.adam!);
    (adamState.optimizerState as { adam: { m: Record<string, Float64Array> } }).adam.m.linear1![0] =
      NaN;
    expect(() => new Trainer(options(optimizers.adam!), adamState)).toThrow(NonFiniteError);
  });

  it('a snapshot is independent of the trainer that keeps training', () => {
    const trainer = new Trainer({
      model: mlp({ sizes }),
      optimizer: optimizers.sgd!(),
      data: train,
      batchSize,
      seed: 4,
    });
    trainer.step();
    const snap = trainer.snapshot();
    const copy = snap.params.linear0!.data.slice();
    trainer.step();
    expect(Array.from(snap.params.linear0!.data)).toEqual(Array.from(copy));
  });
});

describe('Trainer errors', () => {
  const tiny = arrayDataset(fromRows([[1], [-1]]), [0, 1], 2);
  const model = mlp({ sizes: [1, 2] });

  it('rejects mismatched data, bad sizes and foreign snapshots', () => {
    expect(
      () =>
        new Trainer({
          model: mlp({ sizes: [2, 2] }),
          optimizer: sgd(),
          data: tiny,
          batchSize: 1,
          seed: 1,
        }),
    ).toThrow(InvalidArgumentError);
    expect(
      () => new Trainer({ model, optimizer: sgd(), data: tiny, batchSize: 0, seed: 1 }),
    ).toThrow(InvalidArgumentError);
    expect(
      () => new Trainer({ model, optimizer: sgd(), data: tiny, batchSize: 1, seed: 0.5 }),
    ).toThrow(InvalidArgumentError);
    const snap = new Trainer({
      model,
      optimizer: sgd(),
      data: tiny,
      batchSize: 1,
      seed: 1,
    }).snapshot();
    expect(
      () =>
        new Trainer(
          { model, optimizer: adam() as Optimizer<unknown>, data: tiny, batchSize: 1, seed: 1 },
          snap as TrainerSnapshot<unknown>,
        ),
    ).toThrow(InvalidArgumentError);
    expect(
      () => new Trainer({ model, optimizer: sgd(), data: tiny, batchSize: 2, seed: 1 }, snap),
    ).toThrow(InvalidArgumentError);
    expect(
      () =>
        new Trainer(
          { model: mlp({ sizes: [1, 3, 2] }), optimizer: sgd(), data: tiny, batchSize: 1, seed: 1 },
          snap,
        ),
    ).toThrow(ShapeError);
  });

  it('evaluate rejects a bad chunk size and a dataset of the wrong width', () => {
    expect(() => evaluate(model, model.init(1), tiny, 0)).toThrow(InvalidArgumentError);
    expect(() => evaluate(mlp({ sizes: [2, 2] }), mlp({ sizes: [2, 2] }).init(1), tiny)).toThrow(
      ShapeError,
    );
  });

  it('reports divergence as a NonFiniteError', () => {
    // Contradictory labels on inputs of 1e200: gradients ~1e200, so the next logits overflow.
    const huge = arrayDataset(fromRows([[1e200], [1e200]]), [0, 1], 2);
    const trainer = new Trainer({
      model,
      optimizer: sgd({ learningRate: 1 }),
      data: huge,
      batchSize: 2,
      seed: 1,
    });
    expect(() => {
      for (let i = 0; i < 5; i++) trainer.step();
    }).toThrow(NonFiniteError);
    // The forward pass's product overflows before any loss is formed: a NonFiniteError saying so.
    expect(() => trainer.step()).toThrow(
      /must be finite, received -?Infinity.*overflows float64|'loss' must be finite/,
    );
  });
});
