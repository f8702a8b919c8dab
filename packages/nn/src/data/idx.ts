/**
 * Reader for the IDX binary format of the MNIST files (big-endian header,
 * unsigned-byte payload).
 * @module
 */
import { DataFormatError } from '../errors.js';

/**
 * A parsed IDX file: its dimensions and its payload (row-major, last dimension fastest).
 * @category Data
 */
export interface IdxArray {
  /** Sizes of each dimension, e.g. `[60000, 28, 28]` for MNIST training images. */
  readonly dims: readonly number[];
  /** The `Π dims` payload bytes (a view into the input buffer, not a copy). */
  readonly data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/**
 * Parses an IDX buffer of unsigned bytes: magic `00 00 08 k`, `k` big-endian
 * 32-bit dimensions, then exactly `Π dims` payload bytes.
 *
 * @param bytes - the whole file
 * @param source - file name used in error messages (default `'buffer'`)
 * @returns dimensions and payload view
 * @throws {@link DataFormatError} on a wrong magic number, an unsupported element type,
 *   no dimensions, a dimension of size 0, or a payload shorter (truncated) or longer than the header announces
 * @example
 * ```ts
 * import { parseIdx } from '@bkfac/nn';
 * const file = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]);
 * console.log(parseIdx(file).dims); // [3]
 * console.log(parseIdx(file).data); // [7, 8, 9]
 * ```
 * @category Data
 */
export function parseIdx(bytes: Uint8Array, source = 'buffer'): IdxArray {
  const fail = (detail: string): never => {
    throw new DataFormatError('parseIdx', source, detail);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expected a Uint8Array, received ${typeof bytes}`);
  if (bytes.length < 4) fail(`expected at least a 4-byte header, found ${bytes.length} bytes`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    fail(`magic number must start with 00 00, found ${hex(bytes[0]!)} ${hex(bytes[1]!)}`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    fail(`element type must be 0x08 (unsigned byte), found ${hex(bytes[2]!)}`);
  }
  const rank = bytes[3]!;
  if (rank === 0) fail('number of dimensions must be at least 1, found 0');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    fail(`truncated header: ${rank} dimensions need ${headerBytes} bytes, found ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    // An empty dataset has nothing to train or evaluate on (its accuracy would be 0/0).
    if (d === 0) fail(`dimension ${i} has size 0: the file holds no data`);
    dims.push(d);
    count *= d;
  }
  const payload = bytes.length - headerBytes;
  if (payload < count) {
    fail(
      `truncated: dimensions [${dims.join(', ')}] need ${count} payload bytes, found ${payload}`,
    );
  }
  if (payload > count) {
    fail(
      `dimensions [${dims.join(', ')}] need ${count} payload bytes, found ${payload} (trailing data)`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}
