/**
 * The K-FAC family as one transform: every weight it is given is
 * preconditioned by its layer's K-factors (`@bkfac/kfactors`) and clipped.
 * @module
 */
import { InvalidArgumentError } from '@bkfac/linalg';
import { assertInteger } from '@bkfac/linalg/validate';

import {
  createLayerState,
  createWorkspace,
  expandFactored,
  precondition,
  preconditionFactored,
  resolveConfig,
  restoreLayer,
  snapshotLayer,
  statisticsDue,
  updateLayer,
} from '@bkfac/kfactors';
import type { KFactorsConfig, LayerState, StrategyName, StrategySpec } from '@bkfac/kfactors';
import type { LayerCurvature } from '../model/sequential.js';
import type { Params } from '../model/params.js';
import type { GradientTransform, TransformContext } from './transform.js';
import type { CurvatureNeeds } from './types.js';

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
 * Options of {@link kfacPreconditioner}.
 * @category Optimizers
 */
export interface KfacPreconditionerOptions {
  /** Batch size `n` of the statistics: the LL rule `r + n < d` decides at `init` which factors are Brand-tracked. */
  batchSize: number;
  /** K-factor configuration except the strategy: ranks, periods, damping, clip… (defaults: the papers' reference values). */
  factors?: Omit<KFactorsConfig, 'strategy'>;
  /**
   * `'factored'` (default unless damping is `'kronecker'`): `V = L·Rᵀ` from `X̃` and `E`,
   * linear in width, the dense gradient is never read; `'dense'`: `V = Γ̂⁻¹ ∇W Â⁻¹`.
   */
  preconditioner?: Preconditioner;
  /** Seed of the layers' randomized decompositions (default `0`); layer `i` uses `seed·1024 + i`. */
  seed?: number;
  /** Called after every step with its factor / preconditioning times. */
  profile?: (timing: KfacTiming) => void;
}

/**
 * State of {@link kfacPreconditioner}: plain data, complete after `init`.
 * @category Optimizers
 */
export interface KfacPreconditionerState {
  /** Steps taken `t`. */
  step: number;
  /** K-factor state of every preconditioned weight, by parameter key. */
  layers: Record<string, LayerState>;
}

/**
 * The K-FAC-family preconditioner as a transform. Per step `t` and weight `W̃`
 * (`d_out x d_A`, bias in the last column): K-factor statistics and refreshes as
 * the strategy schedules them, then `u ← V = (Γ̂+μ_G I)⁻¹ ∇W̃ (Â+μ_A I)⁻¹`
 * clipped to RMS `κ`. Every parameter it is given is a layer: confine it with
 * {@link masked}. It needs each layer's `X̃` and `E` in `context.curvature`
 * on the steps {@link GradientTransform.needsCurvature} asks for; scratch memory
 * lives in the transform (one {@link @bkfac/kfactors!Workspace}), never in the state.
 *
 * @param strategy - a built-in strategy name or a record from {@link @bkfac/kfactors!defineStrategy}
 * @param options - batch size, K-factor configuration, preconditioner path, seed, profiler
 * @returns the transform
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on an invalid option or K-factor configuration, or `'factored'` with Kronecker damping
 * @throws {@link @bkfac/kfactors!InvalidScheduleError} on a malformed schedule in `factors`
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { chain, kfacPreconditioner, mlp } from '@bkfac/nn';
 * const model = mlp({ sizes: [3, 2] });
 * const params = model.init(1);
 * const batch = { x: fromRows([[1, 0, 2], [0, 1, -1]]), labels: [0, 1] };
 * const { gradients, curvature } = model.lossAndGradients(params, batch, { curvature: 'empirical' });
 * const opt = chain('natural-gradient', { kfac: kfacPreconditioner('kfac', { batchSize: 2, factors: { clip: null } }) });
 * const [u] = opt.update(gradients, opt.init(params), params, { curvature });
 * console.log(u.linear0.shape); // [2, 4]
 * ```
 * @category Optimizers
 */
export function kfacPreconditioner(
  strategy: StrategyName | StrategySpec,
  options: KfacPreconditionerOptions,
): GradientTransform<KfacPreconditionerState> {
  const fn = 'kfacPreconditioner';
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(fn, 'options', 'an object { batchSize, ... }', options);
  }
  const config: KFactorsConfig = { ...options.factors, strategy };
  const resolved = resolveConfig(config);
  const name = resolved.strategy.name;
  const batchSize = assertInteger(fn, 'options.batchSize', options.batchSize, 1);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed))
    throw new InvalidArgumentError(fn, 'options.seed', 'a safe integer', seed);
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
  const kronecker = resolved.dampingMode === 'kronecker';
  const factored = (options.preconditioner ?? (kronecker ? 'dense' : 'factored')) === 'factored';
  if (factored && kronecker) {
    throw new InvalidArgumentError(
      fn,
      'options.preconditioner',
      "'dense' with Kronecker damping (it does not factor)",
      'factored',
    );
  }
  const update = `${name}.update`;
  const workspace = createWorkspace();

  const init = (params: Params): KfacPreconditionerState => ({
    step: 0,
    layers: Object.fromEntries(
      Object.entries(params).map(([key, weight], index) => {
        const [outputDim, inputDim] = weight.shape as [number, number];
        const dims = { inputDim, outputDim, batchSize, seed: seed * 1024 + index };
        return [key, createLayerState(config, dims)];
      }),
    ),
  });

  const needsCurvature = (state: KfacPreconditionerState, epoch: number): CurvatureNeeds => {
    const keys = Object.keys(state.layers);
    let statistics = false;
    for (const key of keys) {
      const due = statisticsDue(state.layers[key]!, { step: state.step, epoch });
      statistics ||= due.inputs || due.gradients;
    }
    return { batch: factored || statistics, statistics, skipGradients: factored ? keys : [] };
  };

  const apply = (
    updates: Params,
    state: KfacPreconditionerState,
    _params: Params,
    context: TransformContext,
  ): KfacPreconditionerState => {
    const clock = { step: state.step, epoch: context.epoch };
    // Resolve every layer's inputs first, so a missing statistic leaves the state untouched.
    const work = Object.entries(state.layers).map(([key, layer]) => {
      const due = statisticsDue(layer, clock);
      const c = due.inputs || due.gradients || factored ? curvatureOf(context, key) : null;
      return { key, layer, due, c };
    });
    let factorsMs = 0;
    let preconditionMs = 0;
    for (const { key, layer, due, c } of work) {
      const t0 = performance.now();
      const batch = {
        inputs: due.inputs ? c!.input : null,
        gradients: due.gradients ? (c!.fisherOutputGrad ?? c!.outputGrad) : null,
      };
      updateLayer(layer, clock, batch, { workspace });
      const t1 = performance.now();
      const out = updates[key]!;
      if (factored) {
        expandFactored(preconditionFactored(layer, c!.input, c!.outputGrad, { workspace }), out);
      } else {
        precondition(layer, context.grads[key]!, { out, workspace });
      }
      factorsMs += t1 - t0;
      preconditionMs += performance.now() - t1;
    }
    state.step += 1;
    options.profile?.({ factorsMs, preconditionMs });
    return state;

    function curvatureOf(ctx: TransformContext, key: string): LayerCurvature {
      const c = ctx.curvature?.[key];
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

  /** Step count, layer keys, and every K-factor state through the snapshot validation of `@bkfac/kfactors`. */
  const restore = (
    state: KfacPreconditionerState,
    params: Params,
    rfn: string,
    arg: string,
  ): KfacPreconditionerState => {
    assertInteger(rfn, `${arg}.step`, state?.step, 0);
    if (state.layers === null || typeof state.layers !== 'object') {
      throw new InvalidArgumentError(
        rfn,
        `${arg}.layers`,
        'an object of layer states',
        state.layers,
      );
    }
    const keys = Object.keys(params);
    const stored = Object.keys(state.layers);
    if (stored.length !== keys.length || !keys.every((k) => k in state.layers)) {
      throw new InvalidArgumentError(rfn, `${arg}.layers`, `the layers ${keys.join(', ')}`, stored);
    }
    for (const key of keys) {
      try {
        state.layers[key] = restoreLayer(snapshotLayer(state.layers[key]!));
      } catch (e) {
        const detail = e instanceof Error ? e.message : String(e);
        throw new InvalidArgumentError(
          rfn,
          `${arg}.layers.${key}`,
          'a valid K-factor layer state',
          detail,
        );
      }
    }
    return state;
  };

  return { init, apply, restore, needsCurvature };
}
