/**
 * The tensor of the reverse-mode autograd: a float64 matrix value, an
 * optional gradient, and the recipe that pushes its gradient to its inputs.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { assertMatrix } from '@bkfac/linalg/validate';
import { addInPlace } from './elementwise.js';

/**
 * What a backward pass computes (see {@link backward}).
 * @category Autograd
 */
export interface BackwardContext {
  /** Accumulate gradients into leaf variables (parameters); `false` only propagates through the graph. */
  readonly parameterGradients: boolean;
}

/**
 * Pushes `output.grad` to the inputs of the op that produced `output`.
 * @internal
 */
export type BackwardStep = (output: Tensor, ctx: BackwardContext) => void;

/**
 * A node of the autograd graph: `value` is a 2-D float64 matrix (a batch of
 * rows, or `1 x 1` for a scalar loss); after {@link backward}, `grad` holds
 * `∂loss/∂value` with the same shape.
 *
 * Create leaves with {@link variable} (trainable, gradient wanted) or
 * {@link constant}; every op returns a new tensor.
 *
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { constant } from '@bkfac/nn';
 * const t = constant(fromRows([[1, 2]]));
 * console.log([t.value.shape, t.requiresGrad]); // [[1, 2], false]
 * ```
 * @category Autograd
 */
export class Tensor {
  /** The value, a 2-D float64 matrix. */
  readonly value: Matrix;
  /** Gradient of the last backward root w.r.t. `value`, or `null` if none reached this tensor. */
  grad: Matrix | null = null;
  /** Whether gradients flow to this tensor (leaf variables and everything computed from them). */
  readonly requiresGrad: boolean;
  /** @internal */
  readonly inputs: readonly Tensor[];
  /** @internal */
  readonly backwardStep: BackwardStep | null;

  /** @internal */
  constructor(
    value: Matrix,
    requiresGrad: boolean,
    inputs: readonly Tensor[],
    backwardStep: BackwardStep | null,
  ) {
    this.value = value;
    this.requiresGrad = requiresGrad;
    this.inputs = inputs;
    this.backwardStep = backwardStep;
  }

  /** `true` for tensors not produced by an op. */
  get isLeaf(): boolean {
    return this.backwardStep === null;
  }
}

/**
 * A trainable leaf tensor: gradients accumulate into its `grad`.
 *
 * @param value - `m x n` float64 matrix (used as is, not copied)
 * @returns a leaf tensor with `requiresGrad = true`
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `value` is not a float64 matrix
 * @throws {@link @bkfac/linalg!ShapeError} if `value` is not 2-D
 * @example
 * ```ts
 * import { zeros } from '@bkfac/linalg';
 * import { variable } from '@bkfac/nn';
 * console.log(variable(zeros(2, 3)).requiresGrad); // true
 * ```
 * @category Autograd
 */
export function variable(value: Matrix): Tensor {
  assertMatrix('variable', 'value', value);
  return new Tensor(value, true, [], null);
}

/**
 * A leaf tensor that receives no gradient (data, labels' encodings, …).
 *
 * @param value - `m x n` float64 matrix (used as is, not copied)
 * @returns a leaf tensor with `requiresGrad = false`
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `value` is not a float64 matrix
 * @throws {@link @bkfac/linalg!ShapeError} if `value` is not 2-D
 * @example
 * ```ts
 * import { zeros } from '@bkfac/linalg';
 * import { constant } from '@bkfac/nn';
 * console.log(constant(zeros(2, 3)).requiresGrad); // false
 * ```
 * @category Autograd
 */
export function constant(value: Matrix): Tensor {
  assertMatrix('constant', 'value', value);
  return new Tensor(value, false, [], null);
}

/**
 * The output tensor of an op; it tracks gradients only if an input does.
 * @internal
 */
export function opResult(value: Matrix, inputs: readonly Tensor[], step: BackwardStep): Tensor {
  const requiresGrad = inputs.some((t) => t.requiresGrad);
  return new Tensor(value, requiresGrad, requiresGrad ? inputs : [], requiresGrad ? step : null);
}

/**
 * Whether a backward pass with `ctx` wants the gradient of `t`: it must track
 * gradients, and a leaf only when parameter gradients are requested.
 * @internal
 */
export function wantsGrad(t: Tensor, ctx: BackwardContext): boolean {
  return t.requiresGrad && (!t.isLeaf || ctx.parameterGradients);
}

/**
 * `t.grad += g` (call only when {@link wantsGrad}); when `t.grad` is empty it
 * takes `g` itself, so `g` must be a fresh matrix that the caller does not reuse.
 * @internal
 */
export function accumulateGrad(t: Tensor, g: Matrix): void {
  if (t.grad === null) {
    t.grad = g;
    return;
  }
  addInPlace(t.grad, g);
}
