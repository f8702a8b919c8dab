/**
 * Stochastic gradient descent with momentum, Nesterov and weight decay.
 * @module
 */
import { InvalidArgumentError, assertNumber } from '@bkfac/linalg';
import type { Params } from '../model/params.js';
import type { LearningRate } from './base.js';
import {
  checkLearningRate,
  checkStep,
  learningRateFor,
  makeOptimizer,
  rowMajorData,
  writableRowMajorData,
} from './base.js';
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
 * State of {@link sgd}: step count and momentum buffers (row-major, per parameter).
 * @category Optimizers
 */
export interface SgdState {
  /** Steps taken. */
  step: number;
  /** Momentum buffers `b`, or `null` without momentum. */
  momentum: Record<string, Float64Array> | null;
}

/**
 * SGD with PyTorch's semantics: `g ← ∇ + wθ`; `b ← g` on the first step, then
 * `b ← μb + (1 − τ)g`; the direction is `g + μb` (Nesterov) or `b`; `u = −η·direction`.
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
export function sgd(options: SgdOptions = {}): Optimizer<SgdState> {
  const fn = 'sgd';
  const { learningRate = 0.01, nesterov = false } = options;
  checkLearningRate(fn, learningRate);
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
  const init = (params: Params): SgdState => ({
    step: 0,
    momentum:
      mu === 0
        ? null
        : Object.fromEntries(Object.entries(params).map(([k, v]) => [k, new Float64Array(v.size)])),
  });
  return makeOptimizer('sgd', init, (grads, state, params, updates, context) => {
    const epoch = checkStep('sgd.update', grads, params, updates, context);
    const lr = learningRateFor(learningRate, epoch);
    for (const key of Object.keys(params)) {
      const g = rowMajorData(grads[key]!);
      const theta = rowMajorData(params[key]!);
      const u = writableRowMajorData('sgd.update', `updates.${key}`, updates[key]!);
      sgdKernel(
        g,
        theta,
        u,
        state.momentum?.[key],
        state.step === 0,
        lr,
        mu,
        dampening,
        nesterov,
        wd,
      );
    }
    state.step += 1;
    return state;
  });
}

/**
 * `u = −η·direction` entry-wise (see {@link sgd}); scalars are parameters so the
 * loop reads them from registers.
 * @internal
 */
export function sgdKernel(
  g: Float64Array,
  theta: Float64Array,
  u: Float64Array,
  buf: Float64Array | undefined,
  first: boolean,
  lr: number,
  mu: number,
  dampening: number,
  nesterov: boolean,
  wd: number,
): void {
  const n = g.length;
  if (buf === undefined) {
    for (let i = 0; i < n; i++) u[i] = -lr * (g[i]! + wd * theta[i]!);
    return;
  }
  const keep = 1 - dampening;
  for (let i = 0; i < n; i++) {
    const d = g[i]! + wd * theta[i]!;
    const b = first ? d : mu * buf[i]! + keep * d;
    buf[i] = b;
    u[i] = -lr * (nesterov ? d + mu * b : b);
  }
}
