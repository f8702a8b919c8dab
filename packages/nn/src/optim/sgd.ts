/**
 * Stochastic gradient descent with momentum, Nesterov and weight decay.
 * @module
 */
import { assertNumber } from '@bkfac/linalg/validate';
import type { LearningRate } from './learning-rate.js';
import { checkLearningRate } from './learning-rate.js';
import { chain } from './transform.js';
import type { ChainState } from './transform.js';
import { addWeightDecay, checkMomentum, heavyBall, scaleByLearningRate } from './transforms.js';
import type { Optimizer } from './types.js';

/**
 * Options of {@link sgd}.
 * @category Optimizers
 */
export interface SgdOptions {
  /** Learning rate `η` or a schedule (default `0.01`). */
  learningRate?: LearningRate;
  /** Momentum `μ ∈ [0, 1)` (default `0`). */
  momentum?: number;
  /** Nesterov momentum (default `false`; needs `μ > 0` and no dampening). */
  nesterov?: boolean;
  /** Dampening `τ ∈ [0, 1)` of new gradients in the buffer (default `0`). */
  dampening?: number;
  /** L2 weight decay `w` added to the gradient (default `0`). */
  weightDecay?: number;
}

/**
 * SGD with PyTorch's semantics: `g ← ∇ + wθ`; `b ← g` on the first step, then
 * `b ← μb + (1 − τ)g`; the direction is `g + μb` (Nesterov) or `b`; `u = −η·direction`.
 * It is the chain {@link addWeightDecay} → {@link heavyBall} (when `μ > 0`) →
 * {@link scaleByLearningRate}; its state holds each stage's under `weightDecay`,
 * `momentum` and `learningRate`.
 *
 * @param options - learning rate, momentum, Nesterov, dampening, weight decay
 * @returns the optimizer
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on a value out of range, or Nesterov without momentum or with dampening
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { sgd } from '@bkfac/nn';
 * const opt = sgd({ learningRate: 0.1 });
 * const p = { w: fromRows([[1]]) };
 * const [u] = opt.update({ w: fromRows([[2]]) }, opt.init(p), p);
 * console.log(u.w.get(0, 0)); // -0.2
 * ```
 * @category Optimizers
 */
export function sgd(options: SgdOptions = {}): Optimizer<ChainState> {
  const fn = 'sgd';
  const { momentum: mu, dampening, nesterov } = checkMomentum(fn, options, 0);
  const { learningRate = 0.01 } = options;
  checkLearningRate(fn, 'options.learningRate', learningRate);
  const wd = assertNumber(fn, 'options.weightDecay', options.weightDecay ?? 0, 0);
  return chain('sgd', {
    weightDecay: addWeightDecay({ weightDecay: wd }),
    ...(mu === 0 ? {} : { momentum: heavyBall({ momentum: mu, dampening, nesterov }) }),
    learningRate: scaleByLearningRate(learningRate),
  });
}
