/**
 * A sequential model (MLP): layer descriptions plus the functions that run
 * them. Parameters live outside the model, as a plain {@link Params} record.
 * @module
 */
import type { Matrix, Rng } from '@bkfac/linalg';
import { InvalidArgumentError, NonFiniteError, ShapeError, createRng, zeros } from '@bkfac/linalg';
import { assertFinite, assertInteger, assertMatrix, assertShape } from '@bkfac/linalg/validate';
import { backward } from '../autograd/backward.js';
import type { Tensor } from '../autograd/tensor.js';
import { constant, variable } from '../autograd/tensor.js';
import { relu, sigmoid, tanh } from '../ops/activations.js';
import { dropout } from '../ops/dropout.js';
import type { LinearHooks } from '../ops/linear.js';
import { linear } from '../ops/linear.js';
import { bernoulliCrossEntropy, softmaxCrossEntropy, squaredErrorLoss } from '../ops/losses.js';
import { sampleBernoulli, sampleLabels, sampleTargets } from '../ops/sampling.js';
import { assertNonEmpty } from '../validate.js';
import type { LayerSpec, LinearLayerInfo } from './layers.js';
import { SPARSE_FAN_IN } from './layers.js';
import type { Params } from './params.js';

/**
 * A mini-batch: inputs and either class labels or regression targets.
 * @category Model
 */
export interface Batch {
  /** `n x d_in` inputs. */
  readonly x: Matrix;
  /** `n` class labels (for the cross-entropy loss). */
  readonly labels?: ArrayLike<number>;
  /** `n x d_out` targets (for the squared-error loss). */
  readonly targets?: Matrix;
}

/**
 * The two matrices a Linear layer hands to its K-factors for one batch.
 * @category Model
 */
export interface LayerCurvature {
  /** `X̃ = [X, 1]`, `n x d_A`: `A = X̃ᵀX̃ / n`. */
  readonly input: Matrix;
  /** `E = ∂L/∂Y` of the batch-mean loss (true labels), `n x d_out`: `∇W̃ = EᵀX̃`. */
  readonly outputGrad: Matrix;
  /**
   * With the true Fisher, `E` back-propagated from labels sampled from the
   * model (then `G = n EᵀE` uses it); `null` for the empirical Fisher (`G` uses `outputGrad`).
   */
  readonly fisherOutputGrad: Matrix | null;
}

/**
 * Curvature statistics of every Linear layer, keyed like the parameters.
 * @category Model
 */
export type Curvature = Readonly<Record<string, LayerCurvature>>;

/**
 * Which Fisher the captured `E` belongs to: `'empirical'` back-propagates the
 * true labels (the same pass as the gradient); `'true'` adds a second backward
 * pass from labels sampled from the model's own predictive distribution.
 * @category Model
 */
export type FisherType = 'empirical' | 'true';

/**
 * Loss of a {@link Sequential} model.
 * @category Model
 */
export type LossKind = 'cross-entropy' | 'squared-error' | 'bernoulli';

/**
 * Per loss: which part of the batch it scores the outputs against, its value,
 * and its value on targets drawn from the model's own predictive distribution
 * (the true Fisher's statistics).
 */
const LOSSES: Readonly<
  Record<
    LossKind,
    {
      readonly wants: 'labels' | 'targets';
      value(outputs: Tensor, batch: Batch): Tensor;
      sampled(outputs: Tensor, rng: Rng): Tensor;
    }
  >
> = {
  'cross-entropy': {
    wants: 'labels',
    value: (outputs, batch) => softmaxCrossEntropy(outputs, batch.labels!),
    sampled: (outputs, rng) => softmaxCrossEntropy(outputs, sampleLabels(outputs.value, rng)),
  },
  'squared-error': {
    wants: 'targets',
    value: (outputs, batch) => squaredErrorLoss(outputs, batch.targets!),
    sampled: (outputs, rng) => squaredErrorLoss(outputs, sampleTargets(outputs.value, rng)),
  },
  bernoulli: {
    wants: 'targets',
    value: (outputs, batch) => bernoulliCrossEntropy(outputs, batch.targets!),
    sampled: (outputs, rng) => bernoulliCrossEntropy(outputs, sampleBernoulli(outputs.value, rng)),
  },
};

/**
 * `value` as a {@link LossKind}, for the argument `arg` of `fn`.
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if it is not one
 * @internal
 */
export function assertLossKind(fn: string, arg: string, value: unknown): LossKind {
  if (typeof value !== 'string' || !Object.hasOwn(LOSSES, value)) {
    throw new InvalidArgumentError(
      fn,
      arg,
      "'cross-entropy', 'squared-error' or 'bernoulli'",
      value,
    );
  }
  return value as LossKind;
}

/**
 * Options of {@link Sequential.lossAndGradients}.
 * @category Model
 */
export interface LossOptions {
  /**
   * `'cross-entropy'` (default, softmax; needs `batch.labels`), `'squared-error'` or
   * `'bernoulli'` (sigmoid cross-entropy of targets in `[0, 1]`; both need `batch.targets`).
   */
  loss?: LossKind;
  /** Dropout active (default `true`). */
  training?: boolean;
  /** Generator for dropout masks and sampled labels; required when either is used. */
  rng?: Rng;
  /** Capture K-factor statistics of the Linear layers (default: no capture). */
  curvature?: FisherType | 'none';
  /** Parameter keys whose gradient is not needed: backward skips it and `gradients` omits the key. */
  skipGradients?: readonly string[];
}

/**
 * Result of {@link Sequential.lossAndGradients}.
 * @category Model
 */
export interface LossAndGradients {
  /** Batch-mean loss. */
  readonly loss: number;
  /** `∂loss/∂θ` for every parameter. */
  readonly gradients: Record<string, Matrix>;
  /** Network outputs (logits), `n x d_out`. */
  readonly outputs: Matrix;
  /** Captured statistics, or `null` without `curvature`. */
  readonly curvature: Curvature | null;
}

/**
 * Options of {@link Sequential.forward}.
 * @category Model
 */
export interface ForwardOptions {
  /** Dropout active (default `false`). */
  training?: boolean;
  /** Generator for dropout masks (required when training with dropout). */
  rng?: Rng;
}

/**
 * A feed-forward network: a chain of Linear, activation and dropout layers.
 * Pure functions of explicit parameters (`init`, `forward`, `lossAndGradients`).
 *
 * @example
 * ```ts
 * import { zeros } from '@bkfac/linalg';
 * import { sequential } from '@bkfac/nn';
 * const model = sequential([
 *   { type: 'linear', inFeatures: 4, outFeatures: 8 },
 *   { type: 'relu' },
 *   { type: 'linear', inFeatures: 8, outFeatures: 3 },
 * ]);
 * const params = model.init(1);
 * console.log(model.forward(params, zeros(2, 4)).shape); // [2, 3]
 * ```
 * @category Model
 */
export class Sequential {
  /** The layers, in order. */
  readonly layers: readonly LayerSpec[];
  /** The Linear layers, in order, with their parameter keys. */
  readonly linearLayers: readonly LinearLayerInfo[];
  /** Input width. */
  readonly inFeatures: number;
  /** Output width. */
  readonly outFeatures: number;

  /**
   * @param layers - layer descriptions; consecutive Linear widths must chain
   * @throws {@link @bkfac/linalg!InvalidArgumentError} on an unknown layer, bad width or rate, or no Linear layer
   * @throws {@link @bkfac/linalg!ShapeError} if a Linear layer's input width differs from the previous output width
   */
  constructor(layers: readonly LayerSpec[]) {
    if (!Array.isArray(layers))
      throw new InvalidArgumentError('sequential', 'layers', 'an array', layers);
    const infos: LinearLayerInfo[] = [];
    let width: number | null = null;
    layers.forEach((layer, i) => {
      const arg = `layers[${i}]`;
      if (layer?.type === 'linear') {
        assertInteger('sequential', `${arg}.inFeatures`, layer.inFeatures, 1);
        assertInteger('sequential', `${arg}.outFeatures`, layer.outFeatures, 1);
        if (width !== null && layer.inFeatures !== width) {
          throw new ShapeError(
            'sequential',
            `${arg}.inFeatures`,
            `${width}`,
            `${layer.inFeatures}`,
          );
        }
        const init = layer.init ?? 'uniform';
        if (init !== 'uniform' && init !== 'sparse') {
          throw new InvalidArgumentError(
            'sequential',
            `${arg}.init`,
            "'uniform' or 'sparse'",
            init,
          );
        }
        infos.push({
          key: `linear${infos.length}`,
          inFeatures: layer.inFeatures,
          outFeatures: layer.outFeatures,
          bias: layer.bias ?? true,
          init,
        });
        width = layer.outFeatures;
      } else if (layer?.type === 'dropout') {
        if (typeof layer.rate !== 'number' || !(layer.rate >= 0 && layer.rate < 1)) {
          throw new InvalidArgumentError(
            'sequential',
            `${arg}.rate`,
            'a number in [0, 1)',
            layer.rate,
          );
        }
      } else if (layer?.type !== 'relu' && layer?.type !== 'tanh' && layer?.type !== 'sigmoid') {
        throw new InvalidArgumentError(
          'sequential',
          `${arg}.type`,
          "'linear', 'relu', 'tanh', 'sigmoid' or 'dropout'",
          (layer as { type?: unknown })?.type,
        );
      }
    });
    if (infos.length === 0) {
      throw new InvalidArgumentError(
        'sequential',
        'layers',
        'a list with at least one linear layer',
        `${layers.length} layers, none linear`,
      );
    }
    this.layers = layers.map((l) => ({ ...l }));
    this.linearLayers = infos;
    this.inFeatures = infos[0]!.inFeatures;
    this.outFeatures = infos[infos.length - 1]!.outFeatures;
  }

  /**
   * Fresh parameters, drawn per Linear layer as its `init` says: by default
   * (PyTorch's) every entry of `W̃ = [W, b]` uniform in `[−1/√d_in, 1/√d_in]`;
   * `'sparse'`: {@link SPARSE_FAN_IN} distinct inputs per output unit chosen
   * uniformly, their weights `N(0, 1)`, every other weight and the bias 0.
   *
   * @param seed - integer seed or a generator
   * @returns one row-major `d_out x d_A` matrix per Linear layer
   * @throws {@link @bkfac/linalg!InvalidArgumentError} if `seed` is not a safe integer or a generator
   * @example
   * ```ts
   * import { mlp } from '@bkfac/nn';
   * console.log(mlp({ sizes: [3, 2] }).init(7).linear0.shape); // [2, 4]
   * ```
   */
  init(seed: number | Rng): Record<string, Matrix> {
    const rng = typeof seed === 'number' ? createRng(seed) : seed;
    if (rng === null || typeof rng !== 'object' || typeof rng.next !== 'function') {
      throw new InvalidArgumentError('Sequential.init', 'seed', 'a safe integer or an Rng', seed);
    }
    const params: Record<string, Matrix> = {};
    for (const l of this.linearLayers) {
      const w = zeros(l.outFeatures, l.inFeatures + (l.bias ? 1 : 0));
      if (l.init === 'sparse') fillSparse(w, l.inFeatures, rng);
      else {
        const bound = 1 / Math.sqrt(l.inFeatures);
        for (let i = 0; i < w.data.length; i++) w.data[i] = (2 * rng.next() - 1) * bound;
      }
      params[l.key] = w;
    }
    return params;
  }

  /**
   * Network outputs (logits) `f(x; θ)`, without recording gradients.
   *
   * @param params - parameters as returned by {@link Sequential.init}
   * @param x - `n x d_in` inputs
   * @param options - dropout mode and generator
   * @returns the `n x d_out` outputs
   * @throws {@link @bkfac/linalg!ShapeError} if `x` or a parameter has the wrong shape
   * @throws {@link @bkfac/linalg!NonFiniteError} if `x` holds NaN or ±Infinity
   * @throws {@link @bkfac/linalg!InvalidArgumentError} if a parameter is missing, or dropout is active without `rng`
   * @example
   * ```ts
   * import { zeros } from '@bkfac/linalg';
   * import { mlp } from '@bkfac/nn';
   * const model = mlp({ sizes: [4, 3] });
   * console.log(model.forward(model.init(1), zeros(5, 4)).shape); // [5, 3]
   * ```
   */
  forward(params: Params, x: Matrix, options: ForwardOptions = {}): Matrix {
    this.checkInputs('Sequential.forward', params, x);
    const weights = this.linearLayers.map((l) => constant(params[l.key]!));
    return this.graph(constant(x), weights, options.training ?? false, options.rng, null, []).value;
  }

  /**
   * Batch-mean loss and its gradients `∂L/∂θ`, optionally with the K-factor
   * statistics `(X̃, E)` of every Linear layer captured on the way (see {@link FisherType}).
   *
   * @param params - parameters
   * @param batch - inputs `x` (`n x d_in`, `n >= 1`) with `labels` or `targets`
   * @param options - loss, dropout, generator and curvature capture
   * @returns loss, gradients, outputs and the captured curvature
   * @throws {@link @bkfac/linalg!ShapeError} on an empty batch, a width mismatch or a wrong-length label vector
   * @throws {@link @bkfac/linalg!NonFiniteError} if `x` holds NaN or ±Infinity, or the loss is not finite (diverged parameters)
   * @throws {@link @bkfac/linalg!InvalidArgumentError} on a label out of range, a missing parameter, or a needed but missing `rng`
   * @example
   * ```ts
   * import { fromRows } from '@bkfac/linalg';
   * import { mlp } from '@bkfac/nn';
   * const model = mlp({ sizes: [2, 3] });
   * const r = model.lossAndGradients(model.init(1), { x: fromRows([[1, 2]]), labels: [2] }, { curvature: 'empirical' });
   * console.log([r.gradients.linear0.shape, r.curvature?.linear0.input.shape]); // [[3, 3], [1, 3]]
   * ```
   */
  lossAndGradients(params: Params, batch: Batch, options: LossOptions = {}): LossAndGradients {
    const fn = 'Sequential.lossAndGradients';
    if (batch === null || typeof batch !== 'object')
      throw new InvalidArgumentError(fn, 'batch', 'an object { x, labels | targets }', batch);
    this.checkInputs(fn, params, batch.x);
    const kind = assertLossKind(fn, 'options.loss', options.loss ?? 'cross-entropy');
    const fisher = options.curvature ?? 'none';
    if (LOSSES[kind].wants === 'labels' && batch.labels === undefined) {
      throw new InvalidArgumentError(
        fn,
        'batch.labels',
        'class labels for the cross-entropy loss',
        undefined,
      );
    }
    if (LOSSES[kind].wants === 'targets' && batch.targets === undefined) {
      throw new InvalidArgumentError(
        fn,
        'batch.targets',
        `a target matrix for the ${kind} loss`,
        undefined,
      );
    }
    if (fisher !== 'none' && fisher !== 'empirical' && fisher !== 'true') {
      throw new InvalidArgumentError(
        fn,
        'options.curvature',
        "'none', 'empirical' or 'true'",
        fisher,
      );
    }
    const sampler =
      fisher === 'true' ? requireRng(fn, options.rng, 'sampling labels for the true Fisher') : null;
    const skip = options.skipGradients ?? [];
    const weights = this.linearLayers.map((l) => variable(params[l.key]!));
    const captures =
      fisher === 'none' ? null : this.linearLayers.map(() => new CurvatureRecorder());
    const outputs = this.graph(
      constant(batch.x),
      weights,
      options.training ?? true,
      options.rng,
      captures,
      skip,
    );
    const loss = LOSSES[kind].value(outputs, batch);
    const value = loss.value.get(0, 0);
    if (!Number.isFinite(value))
      throw new NonFiniteError(fn, 'loss', 'this batch (the parameters or inputs overflow)', value);
    let sampledGrads: Matrix[] | null = null;
    if (sampler !== null) {
      // First a propagation-only pass from labels drawn from the model: its E feeds the G factors.
      backward(LOSSES[kind].sampled(outputs, sampler), { parameterGradients: false });
      sampledGrads = captures!.map((c) => c.outputGrad!);
    }
    backward(loss);
    const gradients: Record<string, Matrix> = {};
    this.linearLayers.forEach((l, i) => {
      if (!skip.includes(l.key)) gradients[l.key] = weights[i]!.grad!;
    });
    let curvature: Record<string, LayerCurvature> | null = null;
    if (captures !== null) {
      curvature = {};
      this.linearLayers.forEach((l, i) => {
        curvature![l.key] = {
          input: captures[i]!.input!,
          outputGrad: captures[i]!.outputGrad!,
          fisherOutputGrad: sampledGrads?.[i] ?? null,
        };
      });
    }
    return { loss: value, gradients, outputs: outputs.value, curvature };
  }

  /** Validates parameters and an input batch at a public boundary. */
  private checkInputs(fn: string, params: Params, x: Matrix): void {
    if (params === null || typeof params !== 'object')
      throw new InvalidArgumentError(fn, 'params', 'a record of matrices', params);
    for (const l of this.linearLayers) {
      const w = params[l.key];
      if (w === undefined)
        throw new InvalidArgumentError(fn, `params.${l.key}`, 'a matrix', undefined);
      assertShape(fn, `params.${l.key}`, w, [l.outFeatures, l.inFeatures + (l.bias ? 1 : 0)]);
    }
    const [n, d] = assertMatrix(fn, 'x', x);
    assertNonEmpty(fn, 'x', n, d);
    if (d !== this.inFeatures)
      throw new ShapeError(fn, 'x', `[n, ${this.inFeatures}]`, `[${n}, ${d}]`);
    assertFinite(fn, 'x', x);
  }

  /** Builds the forward graph; `captures[k]` receives the k-th Linear layer's statistics. */
  private graph(
    x: Tensor,
    weights: readonly Tensor[],
    training: boolean,
    rng: Rng | undefined,
    captures: readonly CurvatureRecorder[] | null,
    skip: readonly string[],
  ): Tensor {
    let h = x;
    let k = 0;
    for (const layer of this.layers) {
      switch (layer.type) {
        case 'linear': {
          const capture = captures?.[k];
          const info = this.linearLayers[k]!;
          h = linear(h, weights[k]!, {
            bias: info.bias,
            weightGradient: !skip.includes(info.key),
            ...(capture ? { hooks: capture.hooks } : {}),
          });
          k++;
          break;
        }
        case 'relu':
          h = relu(h);
          break;
        case 'tanh':
          h = tanh(h);
          break;
        case 'sigmoid':
          h = sigmoid(h);
          break;
        case 'dropout':
          if (training && layer.rate > 0)
            h = dropout(h, layer.rate, requireRng('Sequential', rng, 'dropout'));
          break;
      }
    }
    return h;
  }
}

/**
 * Sparse initialisation of the row-major `d_out x d_A` `w`: per row, a partial
 * Fisher–Yates shuffle picks min(SPARSE_FAN_IN, d_in) distinct input columns,
 * whose weights are drawn from `N(0, 1)`; the rest (bias included) stay 0.
 */
function fillSparse(w: Matrix, inFeatures: number, rng: Rng): void {
  const [rows, cols] = w.shape as [number, number];
  const columns = Int32Array.from({ length: inFeatures }, (_, j) => j);
  const count = Math.min(SPARSE_FAN_IN, inFeatures);
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < count; t++) {
      const pick = t + Math.floor(rng.next() * (inFeatures - t));
      const chosen = columns[pick]!;
      columns[pick] = columns[t]!;
      columns[t] = chosen;
      w.data[i * cols + chosen] = rng.normal();
    }
  }
}

function requireRng(fn: string, rng: Rng | undefined, purpose: string): Rng {
  if (rng === undefined)
    throw new InvalidArgumentError(fn, 'options.rng', `a generator for ${purpose}`, undefined);
  return rng;
}

/**
 * A sequential model from layer descriptions (see {@link Sequential}).
 *
 * @param layers - layer descriptions
 * @returns the model
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on an unknown layer, bad width or rate, or no Linear layer
 * @throws {@link @bkfac/linalg!ShapeError} if consecutive Linear widths do not chain
 * @example
 * ```ts
 * import { sequential } from '@bkfac/nn';
 * const m = sequential([{ type: 'linear', inFeatures: 2, outFeatures: 1 }]);
 * console.log(m.linearLayers[0]?.key); // linear0
 * ```
 * @category Model
 */
export function sequential(layers: readonly LayerSpec[]): Sequential {
  return new Sequential(layers);
}

/**
 * Options of {@link mlp}.
 * @category Model
 */
export interface MlpOptions {
  /** Widths `[d_0, d_1, …, d_L]`: input, hidden layers, output (at least two entries). */
  sizes: readonly number[];
  /** Hidden activation (default `'relu'`). */
  activation?: 'relu' | 'tanh' | 'sigmoid';
  /** Dropout rate after each hidden activation (default `0`: no dropout layer). */
  dropout?: number;
  /** Whether Linear layers have biases (default `true`). */
  bias?: boolean;
}

/**
 * A multi-layer perceptron `Linear → act → [dropout] → … → Linear` (no final activation:
 * the outputs are logits for {@link softmaxCrossEntropy}).
 *
 * @param options - widths, activation, dropout and bias
 * @returns the model
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `sizes` has fewer than two entries or a width is not a positive integer
 * @example
 * ```ts
 * import { mlp } from '@bkfac/nn';
 * console.log(mlp({ sizes: [784, 512, 512, 10] }).linearLayers.length); // 3
 * ```
 * @category Model
 */
export function mlp(options: MlpOptions): Sequential {
  const { sizes, activation = 'relu', dropout: rate = 0, bias = true } = options;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new InvalidArgumentError('mlp', 'sizes', 'an array of at least two widths', sizes);
  }
  const layers: LayerSpec[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    if (i > 0) {
      layers.push({ type: activation });
      if (rate > 0) layers.push({ type: 'dropout', rate });
    }
    layers.push({ type: 'linear', inFeatures: sizes[i]!, outFeatures: sizes[i + 1]!, bias });
  }
  return new Sequential(layers);
}

/**
 * Options of {@link autoencoder}.
 * @category Model
 */
export interface AutoencoderOptions {
  /**
   * Encoder widths `[d_0, …, d_code]` (at least two); the decoder mirrors them back to `d_0`.
   * The classic MNIST network is `[784, 1000, 500, 250, 30]`.
   */
  sizes: readonly number[];
  /** Activation of every layer except the code layer and the output (default `'sigmoid'`). */
  activation?: 'relu' | 'tanh' | 'sigmoid';
  /** Weight initialisation of every Linear layer (default `'sparse'`). */
  init?: 'uniform' | 'sparse';
}

/**
 * A deep autoencoder `d_0 → … → d_code → … → d_0`: every Linear layer followed by
 * `activation`, except the code layer (linear units) and the output, whose
 * logits go to {@link bernoulliCrossEntropy} (sigmoid outputs) with the input as target.
 *
 * @param options - encoder widths, activation and initialisation
 * @returns the model (`2·(sizes.length − 1)` Linear layers)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `sizes` has fewer than two entries or a width is not a positive integer
 * @example
 * ```ts
 * import { autoencoder } from '@bkfac/nn';
 * const model = autoencoder({ sizes: [784, 1000, 500, 250, 30] });
 * console.log(model.linearLayers.map((l) => l.outFeatures).join('-')); // 1000-500-250-30-250-500-1000-784
 * ```
 * @category Model
 */
export function autoencoder(options: AutoencoderOptions): Sequential {
  const { sizes, activation = 'sigmoid', init = 'sparse' } = options;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new InvalidArgumentError(
      'autoencoder',
      'sizes',
      'an array of at least two widths',
      sizes,
    );
  }
  const widths = [...sizes, ...sizes.slice(0, -1).reverse()];
  const code = sizes.length - 1;
  const layers: LayerSpec[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    if (i > 0 && i !== code) layers.push({ type: activation });
    layers.push({ type: 'linear', inFeatures: widths[i]!, outFeatures: widths[i + 1]!, init });
  }
  return new Sequential(layers);
}

/** A Linear layer's last `X̃` and `E`, kept by its hooks. */
class CurvatureRecorder {
  input: Matrix | null = null;
  outputGrad: Matrix | null = null;
  readonly hooks: LinearHooks = {
    input: (x) => {
      this.input = x;
      this.outputGrad = null;
    },
    outputGrad: (e) => {
      this.outputGrad = e;
    },
  };
}
