/**
 * In-memory classification datasets that copy mini-batches into float64 buffers.
 * @module
 */
import type { Matrix } from '@bkfac/linalg';
import { InvalidArgumentError, copy, ShapeError } from '@bkfac/linalg';
import { assertFinite, assertInteger, assertMatrix, assertNumber } from '@bkfac/linalg/validate';
import { assertLabels } from '../validate.js';

/**
 * A labelled classification dataset that can copy any subset of its rows into a batch.
 * @category Data
 */
export interface Dataset {
  /** Number of examples `N`. */
  readonly size: number;
  /** Input width `d`. */
  readonly features: number;
  /** Number of classes `c` (labels are in `[0, c)`). */
  readonly classes: number;
  /**
   * Copies examples `indices` into the first `k = indices.length` rows of `x` and `labels`.
   * @param indices - `k` example indices in `[0, N)`
   * @param x - output, at least `k x d`, row-major contiguous
   * @param labels - output, length at least `k`
   */
  gather(indices: ArrayLike<number>, x: Matrix, labels: Int32Array): void;
}

/**
 * Per-feature affine normalisation `(v − mean) / std`.
 * @category Data
 */
export interface Normalization {
  /** Subtracted from every input value. */
  readonly mean: number;
  /** Divides every centred value; must be positive. */
  readonly std: number;
}

/**
 * The usual MNIST pixel statistics: mean 0.1307 and std 0.3081 of pixel/255.
 * @category Data
 */
export const MNIST_NORMALIZATION: Normalization = { mean: 0.1307, std: 0.3081 };

/**
 * Contents of {@link imageDataset}.
 * @category Data
 */
export interface ImageDatasetOptions {
  /** `N·d` raw pixel bytes, example after example. */
  readonly pixels: Uint8Array;
  /** `N` labels. */
  readonly labels: Uint8Array;
  /** Pixels per example `d`. */
  readonly features: number;
  /** Number of classes. */
  readonly classes: number;
  /** Applied to `pixel / 255` (default: none, i.e. mean 0 and std 1). */
  readonly normalization?: Normalization;
}

/**
 * A dataset of 8-bit images kept as bytes; batches hold `(pixel/255 − mean)/std`.
 *
 * @param options - pixels, labels, sizes and normalisation
 * @returns the dataset
 * @throws {@link @bkfac/linalg!ShapeError} if `pixels` does not hold `labels.length · features` bytes
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on a bad size, a non-positive std, or a label outside `[0, classes)`
 * @example
 * ```ts
 * import { zeros } from '@bkfac/linalg';
 * import { imageDataset } from '@bkfac/nn';
 * const ds = imageDataset({ pixels: new Uint8Array([0, 255]), labels: new Uint8Array([1]), features: 2, classes: 2 });
 * const x = zeros(1, 2);
 * ds.gather([0], x, new Int32Array(1));
 * console.log(x.get(0, 1)); // 1
 * ```
 * @category Data
 */
export function imageDataset(options: ImageDatasetOptions): Dataset {
  const fn = 'imageDataset';
  const { pixels, labels, normalization = { mean: 0, std: 1 } } = options;
  const features = assertInteger(fn, 'features', options.features, 1);
  const classes = assertInteger(fn, 'classes', options.classes, 1);
  if (!(pixels instanceof Uint8Array))
    throw new InvalidArgumentError(fn, 'pixels', 'a Uint8Array', pixels);
  if (!(labels instanceof Uint8Array))
    throw new InvalidArgumentError(fn, 'labels', 'a Uint8Array', labels);
  const size = labels.length;
  if (pixels.length !== size * features) {
    throw new ShapeError(
      fn,
      'pixels',
      `length ${size} x ${features} = ${size * features}`,
      `length ${pixels.length}`,
    );
  }
  assertLabels(fn, 'labels', labels, size, classes);
  const mean = assertNumber(fn, 'normalization.mean', normalization.mean);
  const std = assertNumber(fn, 'normalization.std', normalization.std, Number.MIN_VALUE);
  const scale = 1 / (255 * std);
  const shift = mean / std;
  return {
    size,
    features,
    classes,
    gather(indices, x, out) {
      checkGather(this, indices, x, out);
      const xd = x.data;
      for (let r = 0; r < indices.length; r++) {
        const src = indices[r]! * features;
        const dst = x.offset + r * features;
        for (let j = 0; j < features; j++) xd[dst + j] = pixels[src + j]! * scale - shift;
        out[r] = labels[indices[r]!]!;
      }
    },
  };
}

/**
 * A dataset over a float64 input matrix (copied) and integer labels.
 *
 * @param x - `N x d` inputs (any strides), all finite
 * @param labels - `N` labels in `[0, classes)`
 * @param classes - number of classes
 * @returns the dataset
 * @throws {@link @bkfac/linalg!NonFiniteError} if `x` holds NaN or ±Infinity
 * @throws {@link @bkfac/linalg!ShapeError} if `labels` does not have `N` entries
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if a label is outside `[0, classes)`
 * @example
 * ```ts
 * import { fromRows } from '@bkfac/linalg';
 * import { arrayDataset } from '@bkfac/nn';
 * console.log(arrayDataset(fromRows([[1, 2], [3, 4]]), [0, 1], 2).size); // 2
 * ```
 * @category Data
 */
export function arrayDataset(x: Matrix, labels: ArrayLike<number>, classes: number): Dataset {
  const fn = 'arrayDataset';
  const [size, features] = assertMatrix(fn, 'x', x);
  assertFinite(fn, 'x', x);
  assertInteger(fn, 'classes', classes, 1);
  assertLabels(fn, 'labels', labels, size, classes);
  const data = copy(x).data;
  const ys = Int32Array.from(labels);
  return {
    size,
    features,
    classes,
    gather(indices, out, outLabels) {
      checkGather(this, indices, out, outLabels);
      for (let r = 0; r < indices.length; r++) {
        const src = indices[r]! * features;
        out.data.set(data.subarray(src, src + features), out.offset + r * features);
        outLabels[r] = ys[indices[r]!]!;
      }
    },
  };
}

/** Validates the arguments of {@link Dataset.gather}. */
function checkGather(ds: Dataset, indices: ArrayLike<number>, x: Matrix, labels: Int32Array): void {
  const fn = 'Dataset.gather';
  const k = indices.length;
  const [rows, cols] = assertMatrix(fn, 'x', x);
  if (rows < k || cols !== ds.features || x.stride[1] !== 1 || x.stride[0] !== cols) {
    throw new ShapeError(
      fn,
      'x',
      `row-major contiguous [>= ${k}, ${ds.features}]`,
      `[${rows}, ${cols}] with strides [${x.stride.join(', ')}]`,
    );
  }
  if (!(labels instanceof Int32Array) || labels.length < k) {
    throw new InvalidArgumentError(fn, 'labels', `an Int32Array of length >= ${k}`, labels);
  }
  for (let r = 0; r < k; r++) {
    const i = indices[r]!;
    if (!Number.isInteger(i) || i < 0 || i >= ds.size) {
      throw new InvalidArgumentError(fn, `indices[${r}]`, `an integer in [0, ${ds.size})`, i);
    }
  }
}
