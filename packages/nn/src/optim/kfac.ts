/**
 * The K-FAC family as optimizers: the chain of the K-FAC preconditioner on the
 * Linear weights, weight decay (with its delay), heavy-ball momentum and the
 * learning rate.
 * @module
 */
import { InvalidArgumentError } from '@bkfac/linalg';
import { assertInteger, assertNumber } from '@bkfac/linalg/validate';
import { resolveConfig, scheduleValue } from '@bkfac/kfactors';
import type { KFactorsConfig, StrategyName, StrategySpec } from '@bkfac/kfactors';
import type { LearningRate } from './learning-rate.js';
import { checkLearningRate } from './learning-rate.js';
import { kfacPreconditioner } from './kfac-preconditioner.js';
import type { KfacTiming, Preconditioner } from './kfac-preconditioner.js';
import { chain } from './transform.js';
import type { ChainState } from './transform.js';
import { addWeightDecay, heavyBall, masked, scaleByLearningRate } from './transforms.js';
import type { Optimizer } from './types.js';

/**
 * Options of {@link kfacOptimizer}.
 * @category Optimizers
 */
export interface KfacOptions {
  /** Parameter keys of the Linear layers to precondition (e.g. `model.linearLayers.map((l) => l.key)`); other parameters get the plain update. */
  layers: readonly string[];
  /** Batch size `n` of the statistics, for the LL rule `r + n < d` (decided at `init`). */
  batchSize: number;
  /** Learning rate or schedule (default the papers' `exp`, 0.3, rate 9, period 80). */
  learningRate?: LearningRate;
  /** Heavy-ball momentum `μ ∈ [0, 1)` (default `0`). */
  momentum?: number;
  /** Weight decay `w`, added after preconditioning (default `7e-4`). */
  weightDecay?: number;
  /** First step with weight decay (default `20·T_updt` of the current epoch). */
  weightDecayDelay?: number;
  /** K-factor configuration except the strategy: ranks, periods, damping, clip… (defaults: the papers' reference values). */
  factors?: Omit<KFactorsConfig, 'strategy'>;
  /**
   * `'factored'` (default, except `kfac`): `V = L·Rᵀ` from `X̃` and `E`, linear in
   * width; `'dense'`: `V = Γ̂⁻¹ ∇W Â⁻¹` (cubic for `kfac`).
   */
  preconditioner?: Preconditioner;
  /** Seed of the layers' randomized decompositions (default `0`). */
  seed?: number;
  /** Called after every step with its factor / preconditioning times. */
  profile?: (timing: KfacTiming) => void;
}

/** The reference's learning rate: `exp` schedule, `lr0 = 0.3`, `R = 9`, `P = 80`. */
const REFERENCE_LEARNING_RATE: LearningRate = { kind: 'exp', initial: 0.3, rate: 9, period: 80 };

/**
 * A K-FAC-family optimizer (`kfac`, `rs-kfac`, `sre-kfac`, `b-kfac`, `b-r-kfac`,
 * `b-kfac-c`). Per step `t` and preconditioned layer: K-factor statistics and
 * refreshes as the strategy schedules them, `V = (Γ̂+μ_G I)⁻¹ ∇W̃ (Â+μ_A I)⁻¹`
 * clipped to RMS `κ`; every parameter then gets `v ← V (or ∇θ) + w·θ`
 * (from step `20·T_updt`), `b ← μb + v`, `u = −η·b`: the chain
 * {@link masked}({@link kfacPreconditioner}) → {@link addWeightDecay} →
 * {@link heavyBall} (when `μ > 0`) → {@link scaleByLearningRate}, with the
 * stages' states under `preconditioner`, `weightDecay`, `momentum`, `learningRate`.
 *
 * @param strategy - a built-in strategy name or a record from {@link @bkfac/kfactors!defineStrategy}
 * @param options - layers, batch size, learning rate, momentum, weight decay, K-factor configuration
 * @returns the optimizer (named after the strategy)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on an invalid option or K-factor configuration, or `'factored'` with `kfac`'s Kronecker damping
 * @throws {@link @bkfac/kfactors!InvalidScheduleError} on a malformed schedule in `factors`
 * @example
 * ```ts
 * import { kfacOptimizer, mlp } from '@bkfac/nn';
 * const model = mlp({ sizes: [784, 512, 10] });
 * const opt = kfacOptimizer('b-kfac', { layers: model.linearLayers.map((l) => l.key), batchSize: 128, factors: { rank: 64 } });
 * const state = opt.init(model.init(0)) as { preconditioner: { layers: Record<string, { a: { tracking: string } }> } };
 * console.log([opt.name, state.preconditioner.layers.linear0.a.tracking]); // ["b-kfac", "brand"]
 * ```
 * @category Optimizers
 */
export function kfacOptimizer(
  strategy: StrategyName | StrategySpec,
  options: KfacOptions,
): Optimizer<ChainState> {
  const fn = 'kfacOptimizer';
  if (options === null || typeof options !== 'object' || !Array.isArray(options.layers)) {
    throw new InvalidArgumentError(
      fn,
      'options.layers',
      'an array of parameter keys',
      options?.layers,
    );
  }
  const config: KFactorsConfig = { ...options.factors, strategy };
  const resolved = resolveConfig(config);
  const layers = [...options.layers];
  const learningRate = options.learningRate ?? REFERENCE_LEARNING_RATE;
  checkLearningRate(fn, 'options.learningRate', learningRate);
  const mu = assertNumber(fn, 'options.momentum', options.momentum ?? 0, 0, 1 - 2 ** -52);
  const wd = assertNumber(fn, 'options.weightDecay', options.weightDecay ?? 7e-4, 0);
  const delay =
    options.weightDecayDelay === undefined
      ? null
      : assertInteger(fn, 'options.weightDecayDelay', options.weightDecayDelay, 0);
  const preconditioner = kfacPreconditioner(strategy, {
    batchSize: assertInteger(fn, 'options.batchSize', options.batchSize, 1),
    ...(options.factors === undefined ? {} : { factors: options.factors }),
    ...(options.preconditioner === undefined ? {} : { preconditioner: options.preconditioner }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  const optimizer = chain(resolved.strategy.name, {
    preconditioner: masked(layers, preconditioner),
    weightDecay: addWeightDecay({
      weightDecay: wd,
      from: delay ?? ((epoch) => 20 * scheduleValue(resolved.periods.update, epoch)),
    }),
    ...(mu === 0 ? {} : { momentum: heavyBall({ momentum: mu }) }),
    learningRate: scaleByLearningRate(learningRate),
  });
  return {
    ...optimizer,
    init(params) {
      for (const key of layers) {
        if (params?.[key] === undefined) {
          throw new InvalidArgumentError(
            `${optimizer.name}.init`,
            'options.layers',
            'keys of the parameters',
            key,
          );
        }
      }
      return optimizer.init(params);
    },
  };
}
