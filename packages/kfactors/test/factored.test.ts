import fc from 'fast-check';
import {
  createLayerState,
  expandFactored,
  precondition,
  preconditionFactored,
  rootMeanSquare,
  updateLayer,
  type KFactorsConfig,
  type StrategyName,
} from '@bkfac/kfactors';
import { InvalidArgumentError, ShapeError } from '@bkfac/linalg';
import { awkwardView, matOf, rowsOf } from '../../../test-support/reference';
import { batchGradient, batches, relativeError } from './helpers';

const STRATEGIES: StrategyName[] = [
  'rs-kfac',
  'sre-kfac',
  'b-kfac',
  'b-r-kfac',
  'b-kfac-c',
  'kfac',
];

describe('factored path = dense path', () => {
  it.each(STRATEGIES)('%s', (strategy) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 30 }),
        fc.integer({ min: 4, max: 20 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(0.07, 1e-4, null),
        fc.integer({ min: 1, max: 1e6 }),
        (dIn, dOut, n, rank, clip, seed) => {
          const config: KFactorsConfig = {
            strategy,
            rank,
            clip,
            periods: { update: 1, inverse: 2, brand: 1, overwrite: 4, correction: 2 },
            ...(strategy === 'kfac' ? { dampingMode: 'tikhonov' } : {}),
          };
          const { x, e } = batches(5, n, dIn, dOut, seed);
          const state = createLayerState(config, {
            inputDim: dIn + 1,
            outputDim: dOut,
            batchSize: n,
          });
          for (let t = 0; t < 5; t++) {
            updateLayer(
              state,
              { step: t, epoch: 0 },
              { inputs: matOf(x[t]!), gradients: matOf(e[t]!) },
            );
            const dense = precondition(state, matOf(batchGradient(x[t]!, e[t]!)));
            const factored = preconditionFactored(state, awkwardView(x[t]!), awkwardView(e[t]!));
            expect(factored.left.shape).toEqual([dOut, n]);
            expect(factored.right.shape).toEqual([dIn + 1, n]);
            expect(
              relativeError(rowsOf(expandFactored(factored)), rowsOf(dense.update)),
            ).toBeLessThan(1e-12);
            expect(Math.abs(factored.rms - dense.rms)).toBeLessThanOrEqual(1e-12 * dense.rms);
            expect(Math.abs(factored.scale - dense.scale)).toBeLessThanOrEqual(1e-12);
            if (clip !== null)
              expect(rootMeanSquare(dense.update)).toBeLessThanOrEqual(clip * (1 + 1e-12));
          }
        },
      ),
      { numRuns: 10 },
    );
  });

  it('rejects Kronecker damping, mismatched batches and unrefreshed states', () => {
    const dims = { inputDim: 4, outputDim: 2, batchSize: 2 };
    const x = matOf([
      [1, 2, 3, 1],
      [0, 1, 0, 1],
    ]);
    const e = matOf([
      [0.1, 0.2],
      [0.3, -0.1],
    ]);
    const kfac = createLayerState({ strategy: 'kfac' }, dims);
    updateLayer(kfac, { step: 0, epoch: 0 }, { inputs: x, gradients: e });
    expect(() => preconditionFactored(kfac, x, e)).toThrow(InvalidArgumentError);
    const rs = createLayerState({ strategy: 'rs-kfac', rank: 2 }, dims);
    expect(() => preconditionFactored(rs, x, e)).toThrow(InvalidArgumentError);
    updateLayer(rs, { step: 0, epoch: 0 }, { inputs: x, gradients: e });
    expect(() => preconditionFactored(rs, x, matOf([[0.1, 0.2]]))).toThrow(InvalidArgumentError);
    expect(() => preconditionFactored(rs, matOf([[1, 2, 3]]), matOf([[0.1, 0.2]]))).toThrow(
      ShapeError,
    );
  });
});
