import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { InvalidArgumentError } from '@bkfac/linalg';
import { DataFormatError, decodeTree, encodeTree, loadCheckpoint, saveCheckpoint } from '@bkfac/nn';
import { awkwardView, rowsOf } from '../../../test-support/reference';

/** Structural equality that distinguishes −0 from 0 and compares NaN as equal (Object.is). */
function sameTree(a: unknown, b: unknown): boolean {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    return (
      a.constructor === b.constructor &&
      x.length === y.length &&
      Array.from(x).every((v, i) => Object.is(v, y[i]))
    );
  }
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => sameTree(v, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length &&
      ka.every((k) => k in b && sameTree((a as never)[k], (b as never)[k]))
    );
  }
  return Object.is(a, b);
}

const leaf = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, Number.MIN_VALUE, Number.MAX_VALUE),
  fc.integer(),
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.float64Array(),
  fc.float32Array({ noDefaultInfinity: false }),
  fc.int32Array(),
  fc.uint32Array(),
  fc.uint8Array(),
);
const tree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(
      fc.string().filter((k) => !k.startsWith('$') && k !== '__proto__'),
      tie('node'),
      { maxKeys: 4 },
    ),
  ),
})).node;

describe('encodeTree / decodeTree', () => {
  it('rejects trees nested deeper than 1000 levels with typed errors, on both sides', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    expect(() => encodeTree(deep)).toThrow(InvalidArgumentError);
    // A header crafted by hand (valid magic, length and checksum) nesting 100,000 arrays.
    const json = new TextEncoder().encode('['.repeat(100000) + ']'.repeat(100000));
    const ok = encodeTree([]);
    const bytes = new Uint8Array(Math.ceil((16 + json.length) / 8) * 8);
    bytes.set(ok.subarray(0, 8), 0);
    const view = new DataView(bytes.buffer);
    view.setUint32(8, json.length, true);
    bytes.set(json, 16);
    view.setUint32(12, crc32(bytes.subarray(16)) >>> 0, true);
    expect(() => decodeTree(bytes)).toThrow(DataFormatError);
    expect(() => decodeTree(bytes)).toThrow('nests deeper than 1000 levels');
    let shallow: unknown = 1;
    for (let i = 0; i < 999; i++) shallow = [shallow];
    expect(decodeTree(encodeTree(shallow))).toEqual(shallow);
  });

  it('round-trips plain-data trees bit for bit (NaN, ±Infinity, −0, every typed array)', () => {
    fc.assert(fc.property(tree, (t) => expect(sameTree(decodeTree(encodeTree(t)), t)).toBe(true)));
  });

  it('restores matrices of any layout as row-major copies with the same entries', () => {
    const m = awkwardView([
      [1, -0],
      [Number.NaN, 4],
      [5, 6],
    ]);
    const back = decodeTree(encodeTree({ m })) as { m: typeof m };
    expect(back.m.shape).toEqual([3, 2]);
    expect(back.m.stride).toEqual([2, 1]);
    expect(sameTree(rowsOf(back.m), rowsOf(m))).toBe(true);
  });

  it('rejects data it cannot restore', () => {
    expect(() => encodeTree({ f: () => 1 })).toThrow(InvalidArgumentError);
    expect(() => encodeTree(new Map())).toThrow(InvalidArgumentError);
    expect(() => encodeTree({ $t: 1 })).toThrow(InvalidArgumentError);
    expect(() => encodeTree(new Int16Array(2))).toThrow(InvalidArgumentError);
  });

  it('detects corruption: bad magic, truncation, flipped bits, malformed header', () => {
    const good = encodeTree({ w: new Float64Array([1, 2, 3]), step: 7 });
    const flipped = good.slice();
    flipped[flipped.length - 3]! ^= 1;
    const badMagic = good.slice();
    badMagic[0] = 0;
    for (const bytes of [
      badMagic,
      good.subarray(0, good.length - 1),
      good.subarray(0, 10),
      flipped,
      new Uint8Array(0),
    ]) {
      expect(() => decodeTree(bytes, 'x.ckpt')).toThrow(DataFormatError);
    }
    expect(() => decodeTree([] as unknown as Uint8Array)).toThrow(DataFormatError);
  });

  it('rejects a header whose checksum matches but whose content is not a valid tree', () => {
    // Re-encode a hand-built header with a correct checksum: the checksum guards bytes, not meaning.
    const forge = (header: string): Uint8Array => {
      const base = encodeTree(0);
      const text = new TextEncoder().encode(header);
      const out = new Uint8Array(Math.ceil((16 + text.length) / 8) * 8);
      out.set(base.subarray(0, 8));
      new DataView(out.buffer).setUint32(8, text.length, true);
      out.set(text, 16);
      new DataView(out.buffer).setUint32(12, crc32(out.subarray(16)), true);
      return out;
    };
    expect(decodeTree(forge('[1,2]'))).toEqual([1, 2]);
    expect(() => decodeTree(forge('{oops'))).toThrow(DataFormatError);
    expect(() => decodeTree(forge('{"$t":"f64","o":0,"n":5}'))).toThrow(DataFormatError);
    expect(() => decodeTree(forge('{"$t":"i16","o":0,"n":0}'))).toThrow(DataFormatError);
    expect(() => decodeTree(forge('{"$m":[2,2],"o":0,"n":0}'))).toThrow(DataFormatError);
  });
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('writes atomically: the file appears complete, no temporary file is left, failures keep the old file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bkfac-ckpt-'));
    try {
      const path = join(dir, 'nested', 'run.ckpt');
      saveCheckpoint(path, { step: 1, w: new Float64Array([0.1]) });
      saveCheckpoint(path, { step: 2, w: new Float64Array([0.2]) });
      expect(sameTree(loadCheckpoint(path), { step: 2, w: new Float64Array([0.2]) })).toBe(true);
      expect(readdirSync(join(dir, 'nested'))).toEqual(['run.ckpt']);
      const before = readFileSync(path);
      expect(() => saveCheckpoint(path, { bad: () => 0 })).toThrow(InvalidArgumentError);
      expect(readFileSync(path).equals(before)).toBe(true);
      expect(readdirSync(join(dir, 'nested'))).toEqual(['run.ckpt']);
      writeFileSync(path, before.subarray(0, before.length - 8));
      expect(() => loadCheckpoint(path)).toThrow(DataFormatError);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
