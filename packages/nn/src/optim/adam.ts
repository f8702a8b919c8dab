/**
 * Adam and AdamW.
 * @module
 */
import { assertNumber } from '@bkfac/linalg';
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
 * State of {@link adam}: step count and the two moment estimates (row-major, per parameter).
 * @category Optimizers
 */
export interface AdamState {
  /** Steps taken `t`. */
  step: number;
  /** First moments `m`. */
  m: Record<string, Float64Array>;
  /** Second moments `v`. */
  v: Record<string, Float64Array>;
}

/**
 * Adam (Kingma & Ba): with `g = ∇ + wθ`, `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
 * `u = −η·m̂/(√v̂ + ε)` where `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`.
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
export function adam(options: AdamOptions = {}): Optimizer<AdamState> {
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
export function adamw(options: AdamOptions = {}): Optimizer<AdamState> {
  return adamFamily('adamw', { weightDecay: 0.01, ...options }, true);
}

function adamFamily(name: string, options: AdamOptions, decoupled: boolean): Optimizer<AdamState> {
  const { learningRate = 0.001 } = options;
  checkLearningRate(name, learningRate);
  const beta1 = assertNumber(name, 'options.beta1', options.beta1 ?? 0.9, 0, 1 - 2 ** -52);
  const beta2 = assertNumber(name, 'options.beta2', options.beta2 ?? 0.999, 0, 1 - 2 ** -52);
  const eps = assertNumber(name, 'options.epsilon', options.epsilon ?? 1e-8, Number.MIN_VALUE);
  const wd = assertNumber(name, 'options.weightDecay', options.weightDecay ?? 0, 0);
  const buffers = (params: Params): Record<string, Float64Array> =>
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, new Float64Array(v.size)]));
  const init = (params: Params): AdamState => ({ step: 0, m: buffers(params), v: buffers(params) });
  const fn = `${name}.update`;
  return makeOptimizer(name, init, (grads, state, params, updates, context) => {
    const epoch = checkStep(fn, grads, params, updates, context);
    const lr = learningRateFor(learningRate, epoch);
    const t = state.step + 1;
    const c1 = 1 / (1 - beta1 ** t);
    const c2 = 1 / (1 - beta2 ** t);
    const coupled = decoupled ? 0 : wd;
    const decay = decoupled ? wd : 0;
    for (const key of Object.keys(params)) {
      const g = rowMajorData(grads[key]!);
      const theta = rowMajorData(params[key]!);
      const u = writableRowMajorData(fn, `updates.${key}`, updates[key]!);
      adamKernel(
        g,
        theta,
        u,
        state.m[key]!,
        state.v[key]!,
        lr,
        beta1,
        beta2,
        eps,
        c1,
        c2,
        coupled,
        decay,
      );
    }
    state.step = t;
    return state;
  });
}

/** One Adam step entry-wise (see {@link adam}); scalars are parameters so the loop keeps them in registers. */
function adamKernel(
  g: Float64Array,
  theta: Float64Array,
  u: Float64Array,
  m: Float64Array,
  v: Float64Array,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  c1: number,
  c2: number,
  coupled: number,
  decay: number,
): void {
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]! + coupled * theta[i]!;
    const mi = beta1 * m[i]! + (1 - beta1) * gi;
    const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    u[i] = -lr * ((mi * c1) / (Math.sqrt(vi * c2) + eps) + decay * theta[i]!);
  }
}
