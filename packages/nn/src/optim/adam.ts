/**
 * Adam and AdamW.
 * @module
 */
import { assertNumber } from '@bkfac/linalg/validate';
import type { LearningRate } from './learning-rate.js';
import { checkLearningRate } from './learning-rate.js';
import { chain } from './transform.js';
import type { ChainState } from './transform.js';
import { addWeightDecay, scaleByAdam, scaleByLearningRate } from './transforms.js';
import type { Optimizer } from './types.js';

/**
 * Options of {@link adam} and {@link adamw}.
 * @category Optimizers
 */
export interface AdamOptions {
  /** Learning rate `η` or a schedule (default `0.001`). */
  learningRate?: LearningRate;
  /** First-moment decay `β₁ ∈ [0, 1)` (default `0.9`). */
  beta1?: number;
  /** Second-moment decay `β₂ ∈ [0, 1)` (default `0.999`). */
  beta2?: number;
  /** `ε > 0` added to `√v̂` (default `1e-8`). */
  epsilon?: number;
  /** Weight decay `w` (default `0` for Adam, `0.01` for AdamW). */
  weightDecay?: number;
}

/**
 * Adam (Kingma & Ba): with `g = ∇ + wθ`, `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
 * `u = −η·m̂/(√v̂ + ε)` where `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`: the chain
 * {@link addWeightDecay} → {@link scaleByAdam} → decoupled {@link addWeightDecay}
 * (`w = 0`) → {@link scaleByLearningRate}.
 *
 * @param options - learning rate, moment decays, epsilon, L2 weight decay
 * @returns the optimizer
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on a value out of range
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { adam } from '@bkfac/nn';
 * const opt = adam({ learningRate: 0.1 });
 * const p = { w: fromRows([[1]]) };
 * const [u] = opt.update({ w: fromRows([[5]]) }, opt.init(p), p);
 * console.log(u.w.get(0, 0).toFixed(6)); // -0.100000
 * ```
 * @category Optimizers
 */
export function adam(options: AdamOptions = {}): Optimizer<ChainState> {
  return adamFamily('adam', options, false);
}

/**
 * AdamW (Loshchilov & Hutter): Adam on the raw gradient with decoupled weight
 * decay, `u = −η(m̂/(√v̂ + ε) + wθ)`.
 *
 * @param options - learning rate, moment decays, epsilon, decoupled weight decay (default `0.01`)
 * @returns the optimizer
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on a value out of range
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { adamw } from '@bkfac/nn';
 * const opt = adamw({ learningRate: 0.1, weightDecay: 0.5 });
 * const p = { w: fromRows([[2]]) };
 * const [u] = opt.update({ w: fromRows([[0]]) }, opt.init(p), p);
 * console.log(u.w.get(0, 0)); // -0.1
 * ```
 * @category Optimizers
 */
export function adamw(options: AdamOptions = {}): Optimizer<ChainState> {
  return adamFamily('adamw', { weightDecay: 0.01, ...options }, true);
}

function adamFamily(name: string, options: AdamOptions, decoupled: boolean): Optimizer<ChainState> {
  const { learningRate = 0.001 } = options;
  checkLearningRate(name, 'options.learningRate', learningRate);
  const beta1 = assertNumber(name, 'options.beta1', options.beta1 ?? 0.9, 0, 1 - 2 ** -52);
  const beta2 = assertNumber(name, 'options.beta2', options.beta2 ?? 0.999, 0, 1 - 2 ** -52);
  const epsilon = assertNumber(name, 'options.epsilon', options.epsilon ?? 1e-8, Number.MIN_VALUE);
  const wd = assertNumber(name, 'options.weightDecay', options.weightDecay ?? 0, 0);
  // Both decay stages always run (one with w = 0), so Adam and AdamW share one arithmetic.
  return chain(name, {
    weightDecay: addWeightDecay({ weightDecay: decoupled ? 0 : wd }),
    adam: scaleByAdam({ beta1, beta2, epsilon }),
    decoupledWeightDecay: addWeightDecay({ weightDecay: decoupled ? wd : 0 }),
    learningRate: scaleByLearningRate(learningRate),
  });
}
