/**
 * The elementary transforms: weight decay, heavy-ball momentum, Adam's
 * scaling, the learning rate, and a mask that confines a transform to some
 * parameters.
 * @module
 */
import { InvalidArgumentError } from '@bkfac/linalg';
import { assertInteger, assertNumber } from '@bkfac/linalg/validate';
import type { Matrix } from '@bkfac/linalg';
import type { Params } from '../model/params.js';
import type { LearningRate } from './learning-rate.js';
import { checkLearningRate, learningRateFor } from './learning-rate.js';
import { rowMajorData } from './base.js';
import type { GradientTransform, TransformContext } from './transform.js';

/** The entries of a row-major contiguous direction matrix (checked by the chain). */
function entries(m: Matrix): Float64Array {
  return m.data.subarray(m.offset, m.offset + m.size);
}

/** One zeroed buffer per parameter. */
function buffersLike(params: Params): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, new Float64Array(v.size)]));
}

/** Checks a per-parameter buffer record of a restored state. */
function checkBuffers(fn: string, arg: string, buffers: unknown, params: Params): void {
  for (const [key, p] of Object.entries(params)) {
    const b = (buffers as Record<string, unknown> | null)?.[key];
    if (!(b instanceof Float64Array) || b.length !== p.size) {
      throw new InvalidArgumentError(fn, `${arg}.${key}`, `a Float64Array of ${p.size} entries`, b);
    }
  }
}

/**
 * State of a transform that only counts steps.
 * @category Transforms
 */
export interface CountState {
  /** Steps taken. */
  step: number;
}

function restoreCount(state: CountState, fn: string, arg: string): CountState {
  assertInteger(fn, `${arg}.step`, state?.step, 0);
  return state;
}

/**
 * Options of {@link addWeightDecay}.
 * @category Transforms
 */
export interface WeightDecayOptions {
  /** `w ≥ 0`. */
  weightDecay: number;
  /** First step with decay: a step count, or a function of the 0-based epoch (default `0`). */
  from?: number | ((epoch: number) => number);
}

/**
 * L2 weight decay added to the direction: `u ← u + w·θ` from step `from` on
 * (`u ← u + 0·θ` before it, so the arithmetic is the same on every step).
 *
 * @param options - `weightDecay` and the first step `from`
 * @returns the transform (state: the step count)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `weightDecay < 0` or `from` is not a non-negative integer or a function
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { addWeightDecay, chain } from '@bkfac/nn';
 * const opt = chain('decay', { decay: addWeightDecay({ weightDecay: 0.1, from: 1 }) });
 * const p = { w: fromRows([[3]]) };
 * const [u0, s1] = opt.update({ w: fromRows([[1]]) }, opt.init(p), p);
 * const [u1] = opt.update({ w: fromRows([[1]]) }, s1, p);
 * console.log([u0.w.get(0, 0), u1.w.get(0, 0)]); // [1, 1.3]
 * ```
 * @category Transforms
 */
export function addWeightDecay(options: WeightDecayOptions): GradientTransform<CountState> {
  const fn = 'addWeightDecay';
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(fn, 'options', 'an object { weightDecay, from? }', options);
  }
  const wd = assertNumber(fn, 'options.weightDecay', options.weightDecay, 0);
  const from = options.from ?? 0;
  if (typeof from !== 'function') assertInteger(fn, 'options.from', from, 0);
  return {
    init: () => ({ step: 0 }),
    apply(updates, state, params, context) {
      const start = typeof from === 'function' ? from(context.epoch) : from;
      const w = state.step >= start ? wd : 0;
      for (const key of Object.keys(params)) {
        const u = entries(updates[key]!);
        const theta = rowMajorData(params[key]!);
        for (let i = 0; i < u.length; i++) u[i] = u[i]! + w * theta[i]!;
      }
      state.step += 1;
      return state;
    },
    restore: (state, _params, rfn, arg) => restoreCount(state, rfn, arg),
  };
}

/**
 * Options of {@link heavyBall}.
 * @category Transforms
 */
export interface MomentumOptions {
  /** `μ ∈ [0, 1)`. */
  momentum: number;
  /** Dampening `τ ∈ [0, 1)` of new directions in the buffer (default `0`). */
  dampening?: number;
  /** Nesterov's look-ahead (default `false`; needs `μ > 0` and `τ = 0`). */
  nesterov?: boolean;
}

/**
 * State of {@link heavyBall}.
 * @category Transforms
 */
export interface MomentumState {
  /** Steps taken. */
  step: number;
  /** Buffers `b`, one per parameter. */
  buffers: Record<string, Float64Array>;
}

/**
 * Validated momentum options on behalf of `fn` (`momentum` defaults to `fallback`, required when `undefined`).
 * @internal
 */
export function checkMomentum(
  fn: string,
  options: Partial<MomentumOptions>,
  fallback: number | undefined,
): Required<MomentumOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(fn, 'options', 'an object { momentum, ... }', options);
  }
  const mu = assertNumber(fn, 'options.momentum', options.momentum ?? fallback, 0, 1 - 2 ** -52);
  const dampening = assertNumber(fn, 'options.dampening', options.dampening ?? 0, 0, 1 - 2 ** -52);
  const nesterov = options.nesterov ?? false;
  if (nesterov !== true && nesterov !== false) {
    throw new InvalidArgumentError(fn, 'options.nesterov', 'a boolean', nesterov);
  }
  if (nesterov && (mu === 0 || dampening !== 0)) {
    throw new InvalidArgumentError(
      fn,
      'options.nesterov',
      'false unless momentum > 0 and dampening = 0',
      nesterov,
    );
  }
  return { momentum: mu, dampening, nesterov };
}

/**
 * Heavy-ball momentum with PyTorch's semantics: `b ← u` on the first step, then
 * `b ← μb + (1 − τ)u`; the direction becomes `u + μb` (Nesterov) or `b`.
 *
 * @param options - `momentum`, `dampening`, `nesterov`
 * @returns the transform
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on a value out of range, or Nesterov without momentum or with dampening
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { chain, heavyBall } from '@bkfac/nn';
 * const opt = chain('momentum', { momentum: heavyBall({ momentum: 0.5 }) });
 * const p = { w: fromRows([[0]]) };
 * const [, s1] = opt.update({ w: fromRows([[2]]) }, opt.init(p), p);
 * const [u1] = opt.update({ w: fromRows([[2]]) }, s1, p);
 * console.log(u1.w.get(0, 0)); // 3
 * ```
 * @category Transforms
 */
export function heavyBall(options: MomentumOptions): GradientTransform<MomentumState> {
  const { momentum: mu, dampening, nesterov } = checkMomentum('heavyBall', options, undefined);
  const keep = 1 - dampening;
  return {
    init: (params) => ({ step: 0, buffers: buffersLike(params) }),
    apply(updates, state, params) {
      const first = state.step === 0;
      for (const key of Object.keys(params)) {
        const u = entries(updates[key]!);
        const buf = state.buffers[key]!;
        for (let i = 0; i < u.length; i++) {
          const d = u[i]!;
          const b = first ? d : mu * buf[i]! + keep * d;
          buf[i] = b;
          u[i] = nesterov ? d + mu * b : b;
        }
      }
      state.step += 1;
      return state;
    },
    restore(state, params, rfn, arg) {
      restoreCount(state, rfn, arg);
      checkBuffers(rfn, `${arg}.buffers`, state.buffers, params);
      return state;
    },
  };
}

/**
 * Options of {@link scaleByAdam}.
 * @category Transforms
 */
export interface AdamScalingOptions {
  /** `β₁ ∈ [0, 1)` (default `0.9`). */
  beta1?: number;
  /** `β₂ ∈ [0, 1)` (default `0.999`). */
  beta2?: number;
  /** `ε > 0` (default `1e-8`). */
  epsilon?: number;
}

/**
 * State of {@link scaleByAdam}.
 * @category Transforms
 */
export interface AdamScalingState {
  /** Steps taken `t`. */
  step: number;
  /** First moments `m`. */
  m: Record<string, Float64Array>;
  /** Second moments `v`. */
  v: Record<string, Float64Array>;
}

/**
 * Adam's scaling: `m ← β₁m + (1−β₁)u`, `v ← β₂v + (1−β₂)u²`,
 * `u ← m̂/(√v̂ + ε)` with `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`.
 *
 * @param options - moment decays and `ε`
 * @returns the transform
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on a value out of range
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { chain, scaleByAdam } from '@bkfac/nn';
 * const opt = chain('adam-direction', { adam: scaleByAdam() });
 * const p = { w: fromRows([[0]]) };
 * const [u] = opt.update({ w: fromRows([[-4]]) }, opt.init(p), p);
 * console.log(u.w.get(0, 0).toFixed(6)); // -1.000000
 * ```
 * @category Transforms
 */
export function scaleByAdam(options: AdamScalingOptions = {}): GradientTransform<AdamScalingState> {
  const fn = 'scaleByAdam';
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(fn, 'options', 'an object', options);
  }
  const beta1 = assertNumber(fn, 'options.beta1', options.beta1 ?? 0.9, 0, 1 - 2 ** -52);
  const beta2 = assertNumber(fn, 'options.beta2', options.beta2 ?? 0.999, 0, 1 - 2 ** -52);
  const eps = assertNumber(fn, 'options.epsilon', options.epsilon ?? 1e-8, Number.MIN_VALUE);
  return {
    init: (params) => ({ step: 0, m: buffersLike(params), v: buffersLike(params) }),
    apply(updates, state, params) {
      const t = state.step + 1;
      const c1 = 1 / (1 - beta1 ** t);
      const c2 = 1 / (1 - beta2 ** t);
      for (const key of Object.keys(params)) {
        const u = entries(updates[key]!);
        const m = state.m[key]!;
        const v = state.v[key]!;
        for (let i = 0; i < u.length; i++) {
          const g = u[i]!;
          const mi = beta1 * m[i]! + (1 - beta1) * g;
          const vi = beta2 * v[i]! + (1 - beta2) * g * g;
          m[i] = mi;
          v[i] = vi;
          u[i] = (mi * c1) / (Math.sqrt(vi * c2) + eps);
        }
      }
      state.step = t;
      return state;
    },
    restore(state, params, rfn, arg) {
      restoreCount(state, rfn, arg);
      checkBuffers(rfn, `${arg}.m`, state.m, params);
      checkBuffers(rfn, `${arg}.v`, state.v, params);
      return state;
    },
  };
}

/**
 * The learning rate as the last stage: `u ← −η·u`, with `η` constant or scheduled over epochs.
 *
 * @param learningRate - `η ≥ 0`, a schedule, or an auto-scaled schedule
 * @returns the transform (stateless: `{}`)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on an invalid rate or schedule
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { chain, scaleByLearningRate } from '@bkfac/nn';
 * const opt = chain('steps', { lr: scaleByLearningRate({ kind: 'piecewise', table: { 0: 0.5, 2: 0.1 } }) });
 * const p = { w: fromRows([[0]]) };
 * const at = (epoch: number) => opt.update({ w: fromRows([[1]]) }, opt.init(p), p, { epoch })[0].w.get(0, 0);
 * console.log([at(1), at(2)]); // [-0.5, -0.1]
 * ```
 * @category Transforms
 */
export function scaleByLearningRate(learningRate: LearningRate): GradientTransform<object> {
  checkLearningRate('scaleByLearningRate', 'learningRate', learningRate);
  return {
    init: () => ({}),
    apply(updates, state, params, context: TransformContext) {
      const lr = learningRateFor(learningRate, context.epoch);
      for (const key of Object.keys(params)) {
        const u = entries(updates[key]!);
        for (let i = 0; i < u.length; i++) u[i] = -lr * u[i]!;
      }
      return state;
    },
    restore: (state, _params, rfn, arg) => {
      if (typeof state !== 'object' || state === null) {
        throw new InvalidArgumentError(rfn, arg, 'an object', state);
      }
      return state;
    },
  };
}

/**
 * Confines a transform to some parameters (the rest pass through unchanged),
 * e.g. a preconditioner for the Linear weights only.
 *
 * @param keys - parameter keys the transform sees
 * @param transform - the inner transform
 * @returns the masked transform (state: the inner transform's, for those keys)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `keys` is not an array of strings; at `init`, if a key is not a parameter
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { chain, masked, scaleByLearningRate } from '@bkfac/nn';
 * const opt = chain('only-w', { lr: masked(['w'], scaleByLearningRate(2)) });
 * const p = { w: fromRows([[0]]), b: fromRows([[0]]) };
 * const [u] = opt.update({ w: fromRows([[1]]), b: fromRows([[1]]) }, opt.init(p), p);
 * console.log([u.w.get(0, 0), u.b.get(0, 0)]); // [-2, 1]
 * ```
 * @category Transforms
 */
export function masked<S>(
  keys: readonly string[],
  transform: GradientTransform<S>,
): GradientTransform<S> {
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) {
    throw new InvalidArgumentError('masked', 'keys', 'an array of parameter keys', keys);
  }
  const list = [...keys];
  const pick = <T>(record: Readonly<Record<string, T>>): Record<string, T> => {
    const out: Record<string, T> = {};
    for (const k of list) if (record[k] !== undefined) out[k] = record[k];
    return out;
  };
  return {
    init(params) {
      for (const key of list) {
        if (params[key] === undefined) {
          throw new InvalidArgumentError('masked', 'keys', 'keys of the parameters', key);
        }
      }
      return transform.init(pick(params));
    },
    apply: (updates, state, params, context) =>
      transform.apply(pick(updates), state, pick(params), {
        ...context,
        grads: pick(context.grads),
      }),
    restore: (state, params, fn, arg) => transform.restore(state, pick(params), fn, arg),
    ...(transform.needsCurvature ? { needsCurvature: transform.needsCurvature } : {}),
  };
}
