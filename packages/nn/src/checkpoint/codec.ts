/**
 * Binary encoding of plain-data trees (the checkpoint format): a JSON header
 * describing the tree, followed by the raw bytes of every typed array.
 * Numbers round-trip bit for bit (NaN, ±Infinity and −0 included).
 * @module
 */
import { crc32 } from 'node:zlib';
import ndarray from 'ndarray';
import { InvalidArgumentError, copy } from '@bkfac/linalg';
import type { Typed, TypedTag } from './plain.js';
import { TYPED, isMatrix, isPlainObject, typeName, typedTag } from './plain.js';
import { DataFormatError } from '../errors.js';

const MAGIC = 'BKFACCK1';
const PREFIX = 16; // magic (8) + header length (4) + checksum (4)

/**
 * Encodes a tree of plain data into bytes. Supported leaves: `null`,
 * `undefined`, booleans, numbers, strings, `Float64Array`, `Float32Array`,
 * `Int32Array`, `Uint32Array`, `Uint8Array` and float64 matrices (stored
 * row-major, restored as fresh row-major matrices); inner nodes: arrays and
 * plain objects whose keys do not start with `$`.
 *
 * @param value - the tree
 * @returns the encoded bytes (magic, header length, CRC-32, JSON header, payload)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} on an unsupported value (functions, class instances, `$` keys)
 *   or one nested deeper than 1000 levels
 * @example
 * ```ts
 * import { decodeTree, encodeTree } from '@bkfac/nn';
 * const back = decodeTree(encodeTree({ step: 3, w: new Float64Array([-0, NaN]) })) as { w: Float64Array };
 * console.log(Object.is(back.w[0], -0)); // true
 * ```
 * @category Checkpoints
 */
export function encodeTree(value: unknown): Uint8Array {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const store = (a: Typed): { o: number; n: number } => {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const o = offset;
    chunks.push(bytes.slice());
    offset += align8(bytes.length);
    if (bytes.length % 8 !== 0) chunks.push(new Uint8Array(align8(bytes.length) - bytes.length));
    return { o, n: a.length };
  };
  const walk = (v: unknown, path: string, depth = 0): unknown => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (v === undefined) return { $u: 1 };
    if (typeof v === 'number') {
      if (Number.isFinite(v) && !Object.is(v, -0)) return v;
      return { $n: Object.is(v, -0) ? '-0' : String(v) };
    }
    const tag = typedTag(v);
    if (tag !== null) return { $t: tag, ...store(v as Typed) };
    if (isMatrix(v)) {
      const [r, c] = v.shape as [number, number];
      return { $m: [r, c], ...store(copy(v).data) };
    }
    if (depth >= MAX_DEPTH) {
      throw new InvalidArgumentError(
        'encodeTree',
        path,
        `nesting of at most ${MAX_DEPTH} levels`,
        'a deeper value',
      );
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`, depth + 1));
    if (typeof v === 'object' && isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k.startsWith('$'))
          throw new InvalidArgumentError(
            'encodeTree',
            `${path}.${k}`,
            'a key not starting with $',
            k,
          );
        out[k] = walk(x, `${path}.${k}`, depth + 1);
      }
      return out;
    }
    throw new InvalidArgumentError(
      'encodeTree',
      path,
      'plain data (numbers, strings, arrays, objects, typed arrays, matrices)',
      typeName(v),
    );
  };
  const header = new TextEncoder().encode(JSON.stringify(walk(value, 'value')));
  const payloadStart = align8(PREFIX + header.length);
  const out = new Uint8Array(payloadStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, header.length, true);
  out.set(header, PREFIX);
  let p = payloadStart;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  view.setUint32(12, crc32(out.subarray(PREFIX)), true);
  return out;
}

/**
 * Decodes bytes written by {@link encodeTree}.
 *
 * @param bytes - encoded tree
 * @param source - name used in error messages (default `'buffer'`)
 * @returns the tree (typed arrays and matrices are fresh copies)
 * @throws {@link DataFormatError} on a wrong magic, truncation, a checksum mismatch, a malformed header
 *   or one nested deeper than 1000 levels
 * @example
 * ```ts
 * import { decodeTree, encodeTree } from '@bkfac/nn';
 * console.log(decodeTree(encodeTree([1, 'a', null]))); // [1, "a", null]
 * ```
 * @category Checkpoints
 */
export function decodeTree(bytes: Uint8Array, source = 'buffer'): unknown {
  const fail = (detail: string): never => {
    throw new DataFormatError('decodeTree', source, detail);
  };
  if (!ArrayBuffer.isView(bytes) || bytes.length < PREFIX)
    fail(`too short for a checkpoint (${bytes?.length} bytes)`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) fail(`magic must be ${MAGIC}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  const payloadStart = align8(PREFIX + headerLength);
  if (bytes.length < payloadStart)
    fail(`truncated: header needs ${payloadStart} bytes, found ${bytes.length}`);
  const checksum = crc32(bytes.subarray(PREFIX));
  if (checksum !== view.getUint32(12, true)) fail('checksum mismatch (corrupt or truncated file)');
  let tree: unknown;
  try {
    tree = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + headerLength)));
  } catch (e) {
    fail(`malformed header: ${(e as Error).message}`);
  }
  const payload = bytes.subarray(payloadStart);
  const read = (tag: TypedTag, o: number, n: number): Typed => {
    const ctor = TYPED[tag];
    const length = n * ctor.BYTES_PER_ELEMENT;
    if (
      !Number.isInteger(o) ||
      !Number.isInteger(n) ||
      o < 0 ||
      n < 0 ||
      o + length > payload.length
    ) {
      fail(`array at byte ${o} with ${n} entries lies outside the payload`);
    }
    // Copy into a fresh buffer: `payload` may be a view into a shared pool (Node Buffers).
    const fresh = new Uint8Array(length);
    fresh.set(payload.subarray(o, o + length));
    return new ctor(fresh.buffer, 0, n);
  };
  const walk = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_DEPTH) fail(`header nests deeper than ${MAX_DEPTH} levels`);
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const r = v as Record<string, unknown>;
    if ('$u' in r) return undefined;
    if ('$n' in r) return r.$n === '-0' ? -0 : Number(r.$n);
    if ('$t' in r) {
      if (!((r.$t as string) in TYPED)) fail(`unknown array type ${String(r.$t)}`);
      return read(r.$t as TypedTag, r.o as number, r.n as number);
    }
    if ('$m' in r) {
      const [rows, cols] = r.$m as [number, number];
      const data = read('f64', r.o as number, r.n as number) as Float64Array;
      if (rows * cols !== data.length)
        fail(`matrix [${rows}, ${cols}] stored with ${data.length} entries`);
      return ndarray(data, [rows, cols], [cols, 1], 0);
    }
    const out: Record<string, unknown> = {};
    // defineProperty: a "__proto__" key must stay data, not replace the prototype.
    for (const [k, x] of Object.entries(r)) {
      Object.defineProperty(out, k, {
        value: walk(x, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  };
  return walk(tree, 0);
}

/** Deepest nesting a tree may have: far beyond any checkpoint, far below the call-stack limit. */
const MAX_DEPTH = 1000;

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
