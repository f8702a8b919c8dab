/**
 * The K-FAC family as optimizers: each Linear layer's gradient is
 * preconditioned by its K-factors (`@bkfac/kfactors`), clipped per layer, then
 * weight decay, momentum and the learning rate apply.
 * @module
 */
import { InvalidArgumentError, assertInteger, assertNumber } from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';
import {
  createLayerState,
  restoreLayer,
  snapshotLayer,
  expandFactored,
  precondition,
  preconditionFactored,
  resolveConfig,
  scheduleValue,
  statisticsDue,
  updateLayer,
} from '@bkfac/kfactors';
import type { KFactorsConfig, LayerState, StrategyName } from '@bkfac/kfactors';
import type { LayerCurvature } from '../model/sequential.js';
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
import { sgdKernel } from './sgd.js';
import type { CurvatureNeeds, Optimizer, StepContext } from './types.js';

/**
 * How a layer's natural gradient is formed: from the dense `∇W` or from the batch factors `(X̃, E)`.
 * @category Optimizers
 */
export type Preconditioner = 'dense' | 'factored';

/**
 * Time spent by one K-FAC step in its two kinds of work, summed over layers.
 * @category Optimizers
 */
export interface KfacTiming {
  /** Milliseconds in K-factor updates (averages, decompositions, Brand steps). */
  readonly factorsMs: number;
  /** Milliseconds in preconditioning and clipping. */
  readonly preconditionMs: number;
}

/**
 * Options of {@link kfacOptimizer}.
 * @category Optimizers
 */
export interface KfacOptions {
  /** Parameter keys of the Linear layers to precondition (e.g. `model.linearLayers.map((l) => l.key)`); other parameters get the plain update. */
  layers: readonly string[];
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

/**
 * State of a K-FAC-family optimizer: plain data (K-factors included).
 * @category Optimizers
 */
export interface KfacState {
  /** Steps taken `t`. */
  step: number;
  /** K-factor state of every preconditioned layer, created at step 0 from the first batch. */
  layers: Record<string, LayerState>;
  /** Momentum buffers, or `null` without momentum. */
  momentum: Record<string, Float64Array> | null;
}

/** The reference's learning rate: `exp` schedule, `lr0 = 0.3`, `R = 9`, `P = 80`. */
const REFERENCE_LEARNING_RATE: LearningRate = { kind: 'exp', initial: 0.3, rate: 9, period: 80 };

/**
 * A K-FAC-family optimizer (`kfac`, `rs-kfac`, `sre-kfac`, `b-kfac`, `b-r-kfac`,
 * `b-kfac-c`). Per step `t` and preconditioned layer: K-factor statistics and
 * refreshes as the strategy schedules them, `V = (Γ̂+μ_G I)⁻¹ ∇W̃ (Â+μ_A I)⁻¹`
 * clipped to RMS `κ`; every parameter then gets `v ← V (or ∇θ) + w·θ`
 * (from step `20·T_updt`), `b ← μb + v`, `u = −η·b`. Layer states are
 * created at step 0, when the first batch fixes `n` for the LL rule.
 *
 * @param strategy - the algorithm
 * @param options - layers, learning rate, momentum, weight decay, K-factor configuration
 * @returns the optimizer (named after the strategy)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on an invalid option or K-factor configuration, or `'factored'` with `kfac`'s Kronecker damping
 * @throws {@link @bkfac/kfactors!InvalidScheduleError} on a malformed schedule in `factors`
 * @example
 * ```ts
 * import { kfacOptimizer, mlp } from '@bkfac/nn';
 * const model = mlp({ sizes: [784, 512, 10] });
 * const opt = kfacOptimizer('b-kfac', { layers: model.linearLayers.map((l) => l.key), factors: { rank: 64 } });
 * console.log(opt.name); // b-kfac
 * ```
 * @category Optimizers
 */
export function kfacOptimizer(strategy: StrategyName, options: KfacOptions): Optimizer<KfacState> {
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
  checkLearningRate(fn, learningRate);
  const mu = assertNumber(fn, 'options.momentum', options.momentum ?? 0, 0, 1 - 2 ** -52);
  const wd = assertNumber(fn, 'options.weightDecay', options.weightDecay ?? 7e-4, 0);
  const delay =
    options.weightDecayDelay === undefined
      ? null
      : assertInteger(fn, 'options.weightDecayDelay', options.weightDecayDelay, 0);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed))
    throw new InvalidArgumentError(fn, 'options.seed', 'a safe integer', seed);
  const factored =
    (options.preconditioner ?? (resolved.dampingMode === 'kronecker' ? 'dense' : 'factored')) ===
    'factored';
  if (
    options.preconditioner !== undefined &&
    options.preconditioner !== 'dense' &&
    options.preconditioner !== 'factored'
  ) {
    throw new InvalidArgumentError(
      fn,
      'options.preconditioner',
      "'dense' or 'factored'",
      options.preconditioner,
    );
  }
  if (factored && resolved.dampingMode === 'kronecker') {
    throw new InvalidArgumentError(
      fn,
      'options.preconditioner',
      "'dense' with Kronecker damping (it does not factor)",
      'factored',
    );
  }
  const update = `${strategy}.update`;
  // The factored path builds V from (X̃, E): the dense gradients of those layers are never read.
  const unread: readonly string[] = factored ? layers : [];

  const init = (params: Params): KfacState => {
    for (const key of layers) {
      if (params[key] === undefined)
        throw new InvalidArgumentError(
          `${strategy}.init`,
          `options.layers`,
          'keys of the parameters',
          key,
        );
    }
    return {
      step: 0,
      layers: {},
      momentum:
        mu === 0
          ? null
          : Object.fromEntries(
              Object.entries(params).map(([k, v]) => [k, new Float64Array(v.size)]),
            ),
    };
  };

  const needsCurvature = (state: KfacState, epoch: number): CurvatureNeeds => {
    let statistics = false;
    for (const key of layers) {
      const layer = state.layers[key];
      if (layer === undefined) return { batch: true, statistics: true, skipGradients: unread };
      const due = statisticsDue(layer, { step: state.step, epoch });
      statistics ||= due.inputs || due.gradients;
    }
    return { batch: factored || statistics, statistics, skipGradients: unread };
  };

  const step = (
    grads: Params,
    state: KfacState,
    params: Params,
    updates: Params,
    context: StepContext | undefined,
  ): KfacState => {
    const epoch = checkStep(update, grads, params, updates, context, unread);
    const clock = { step: state.step, epoch };
    // Resolve every layer's inputs first, so a missing statistic leaves the state untouched.
    const work = layers.map((key, index) => {
      const layer = layerState(state, key, index, params[key]!, context);
      const due = statisticsDue(layer, clock);
      const c = due.inputs || due.gradients || factored ? requireCurvature(context, key) : null;
      return { key, layer, due, c };
    });
    let factorsMs = 0;
    let preconditionMs = 0;
    for (const { key, layer, due, c } of work) {
      const t0 = performance.now();
      updateLayer(layer, clock, {
        inputs: due.inputs ? c!.input : null,
        gradients: due.gradients ? (c!.fisherOutputGrad ?? c!.outputGrad) : null,
      });
      const t1 = performance.now();
      const out = updates[key]!;
      writableRowMajorData(update, `updates.${key}`, out);
      if (factored) expandFactored(preconditionFactored(layer, c!.input, c!.outputGrad), out);
      else precondition(layer, grads[key]!, { out });
      factorsMs += t1 - t0;
      preconditionMs += performance.now() - t1;
    }
    const lr = learningRateFor(learningRate, epoch);
    const decayFrom = delay ?? 20 * scheduleValue(resolved.periods.update, epoch);
    const w = state.step >= decayFrom ? wd : 0;
    for (const key of Object.keys(params)) {
      const preconditioned = layers.includes(key);
      const u = writableRowMajorData(update, `updates.${key}`, updates[key]!);
      const v = preconditioned ? u : rowMajorData(grads[key]!);
      const theta = rowMajorData(params[key]!);
      // The papers' momentum is SGD's heavy ball without dampening or Nesterov, on the preconditioned direction.
      sgdKernel(v, theta, u, state.momentum?.[key], state.step === 0, lr, mu, 0, false, w);
    }
    state.step += 1;
    options.profile?.({ factorsMs, preconditionMs });
    return state;

    function requireCurvature(ctx: StepContext | undefined, key: string): LayerCurvature {
      const c = ctx?.curvature?.[key];
      if (c === undefined || c === null) {
        throw new InvalidArgumentError(
          update,
          `context.curvature.${key}`,
          `the layer's X̃ and E at step ${state.step} (see needsCurvature)`,
          c,
        );
      }
      return c;
    }
  };

  /** The layer's K-factor state, created from the first batch (its `n` decides the LL rule). */
  function layerState(
    state: KfacState,
    key: string,
    index: number,
    weight: Matrix,
    context: StepContext | undefined,
  ): LayerState {
    const existing = state.layers[key];
    if (existing !== undefined) return existing;
    const c = context?.curvature?.[key];
    if (c === undefined || c === null) {
      throw new InvalidArgumentError(
        update,
        `context.curvature.${key}`,
        'the first batch statistics X̃ and E (step 0 creates the K-factors)',
        c,
      );
    }
    const [outputDim, inputDim] = weight.shape as [number, number];
    const created = createLayerState(config, {
      inputDim,
      outputDim,
      batchSize: c.input.shape[0]!,
      seed: seed * 1024 + index,
    });
    state.layers[key] = created;
    return created;
  }

  /** Step count, layer keys and momentum shapes, and every K-factor state through `restoreLayer`. */
  const restoreParts = (state: KfacState, params: Params): KfacState => {
    const fn = `${strategy}.restore`;
    assertInteger(fn, 'state.step', state.step, 0);
    if (state.layers === null || typeof state.layers !== 'object') {
      throw new InvalidArgumentError(fn, 'state.layers', 'an object of layer states', state.layers);
    }
    for (const [key, layer] of Object.entries(state.layers)) {
      if (!layers.includes(key)) {
        throw new InvalidArgumentError(fn, 'state.layers', `keys among ${layers.join(', ')}`, key);
      }
      state.layers[key] = restoreLayerState(fn, `state.layers.${key}`, layer);
    }
    if (state.momentum !== null) {
      for (const [key, p] of Object.entries(params)) {
        const m = state.momentum?.[key];
        if (!(m instanceof Float64Array) || m.length !== p.size) {
          throw new InvalidArgumentError(
            fn,
            `state.momentum.${key}`,
            `a Float64Array of ${p.size} entries`,
            m,
          );
        }
      }
    }
    return state;
  };

  return makeOptimizer(strategy, init, step, needsCurvature, restoreParts);
}

/** A checkpointed K-factor state through the snapshot validation of `@bkfac/kfactors`. */
function restoreLayerState(fn: string, arg: string, layer: LayerState): LayerState {
  try {
    return restoreLayer(snapshotLayer(layer));
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new InvalidArgumentError(fn, arg, 'a valid K-factor layer state', detail);
  }
}
