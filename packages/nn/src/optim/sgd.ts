/**
 * Stochastic gradient descent with momentum, Nesterov and weight decay.
 * @module
 */
import { InvalidArgumentError, assertNumber } from '@bkfac/linalg';
import type { LearningRate } from './learning-rate.js';
import { checkLearningRate } from './learning-rate.js';
import { chain } from './transform.js';
import type { ChainState } from './transform.js';
import { addWeightDecay, heavyBall, scaleByLearningRate } from './transforms.js';
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
  const { learningRate = 0.01, nesterov = false } = options;
  checkLearningRate(fn, 'options.learningRate', learningRate);
  const mu = assertNumber(fn, 'options.momentum', options.momentum ?? 0, 0, 1 - 2 ** -52);
  const dampening = assertNumber(fn, 'options.dampening', options.dampening ?? 0, 0, 1 - 2 ** -52);
  const wd = assertNumber(fn, 'options.weightDecay', options.weightDecay ?? 0, 0);
  if (nesterov && (mu === 0 || dampening !== 0)) {
    throw new InvalidArgumentError(
      fn,
      'options.nesterov',
      'false unless momentum > 0 and dampening = 0',
      nesterov,
    );
  }
  return chain('sgd', {
    weightDecay: addWeightDecay({ weightDecay: wd }),
    ...(mu === 0 ? {} : { momentum: heavyBall({ momentum: mu, dampening, nesterov }) }),
    learningRate: scaleByLearningRate(learningRate),
  });
}
