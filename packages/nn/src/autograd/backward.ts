/**
 * Reverse-mode sweep over the graph that produced a scalar.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { InvalidArgumentError, ShapeError, fromArray } from '@bkfac/linalg';
import type { BackwardContext, Tensor } from './tensor.js';

/**
 * Options of {@link backward}.
 * @category Autograd
 */
export interface BackwardOptions {
  /** Accumulate into leaf variables' `grad` (default `true`); `false` runs a propagation-only pass. */
  parameterGradients?: boolean;
}

/**
 * Back-propagates `∂root/∂t` to every tensor `t` that `root` depends on and that
 * requires gradients: leaf variables accumulate into `grad`, intermediate
 * tensors' `grad` is reset first, so a graph can be swept more than once.
 *
 * @param root - a `1 x 1` tensor that requires gradients (a scalar loss)
 * @param options - which gradients to compute
 * @throws {@link @bkfac/linalg!ShapeError} if `root` is not `1 x 1`
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `root` does not depend on any variable
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { backward, constant, linear, squaredErrorLoss, variable } from '@bkfac/nn';
 * const w = variable(fromRows([[2, 0]])); // y = 2x + 0 (bias column)
 * const y = linear(constant(fromRows([[1], [3]])), w, { bias: true });
 * backward(squaredErrorLoss(y, fromRows([[0], [0]])));
 * console.log(w.grad?.get(0, 0)); // 10
 * ```
 * @category Autograd
 */
export function backward(root: Tensor, options: BackwardOptions = {}): void {
  const [m, n] = root.value.shape as [number, number];
  if (m !== 1 || n !== 1) throw new ShapeError('backward', 'root', '[1, 1]', `[${m}, ${n}]`);
  if (!root.requiresGrad) {
    throw new InvalidArgumentError(
      'backward',
      'root',
      'a tensor that depends on a variable',
      'a constant',
    );
  }
  const ctx: BackwardContext = {
    parameterGradients: options.parameterGradients ?? true,
  };
  const order = topologicalOrder(root);
  for (const t of order) if (!t.isLeaf) t.grad = null;
  root.grad = fromArray(new Float64Array([1]), [1, 1]) as Matrix;
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i]!;
    if (t.backwardStep !== null && t.grad !== null) t.backwardStep(t, ctx);
  }
}

/** Tensors reachable from `root` that require gradients, inputs before outputs. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  // Iterative post-order DFS: deep graphs must not exhaust the call stack.
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, next] = top;
    if (next < t.inputs.length) {
      top[1] = next + 1;
      const child = t.inputs[next]!;
      if (child.requiresGrad && !seen.has(child)) {
        seen.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}
