import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { InvalidArgumentError, fromRows, gemm, gemv, toRows, zeros } from '@bkfac/linalg';
import { sharesElements } from '../src/core/overlap';

describe('outputs that overlap an input are rejected, not computed wrongly', () => {
  it('gemm with out = a (the issue example) throws and leaves a unchanged', () => {
    const a = fromRows([
      [1, 2],
      [3, 4],
    ]);
    const p = fromRows([
      [0, 1],
      [1, 0],
    ]);
    expect(() => gemm(a, p, { out: a })).toThrow(InvalidArgumentError);
    expect(() => gemm(p, a, { out: a })).toThrow("gemm: argument 'options.out'");
    expect(toRows(a)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('gemm with out a transposed or partial view of b throws', () => {
    const b = zeros(4, 4);
    b.data.fill(1);
    const a = fromRows([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
    ]);
    expect(() => gemm(a, b.hi(4, 2), { out: b.lo(2, 0).hi(2, 2) })).toThrow(InvalidArgumentError);
    expect(() => gemm(a, b, { out: b.transpose(1, 0).hi(2, 4) })).toThrow(InvalidArgumentError);
  });

  it('gemm into a disjoint part of the same buffer is allowed and correct', () => {
    // Columns 0-1 of a row-major 2x4 matrix as input, columns 2-3 as output: interleaved spans,
    // no shared element.
    const m = fromRows([
      [1, 2, 0, 0],
      [3, 4, 0, 0],
    ]);
    const eye = fromRows([
      [1, 0],
      [0, 1],
    ]);
    gemm(m.hi(2, 2), eye, { out: m.lo(0, 2) });
    expect(toRows(m)).toEqual([
      [1, 2, 1, 2],
      [3, 4, 3, 4],
    ]);
  });

  it('gemv with out = x (the issue example) or out inside a throws and leaves x unchanged', () => {
    const a = fromRows([
      [0, 1],
      [1, 0],
    ]);
    const x = new Float64Array([1, 2]);
    expect(() => gemv(a, x, { out: x })).toThrow("gemv: argument 'options.out'");
    expect(Array.from(x)).toEqual([1, 2]);
    const inside = a.data.subarray(0, 2);
    expect(() => gemv(a, new Float64Array([1, 1]), { out: inside })).toThrow(InvalidArgumentError);
    const other = new Float64Array([1, 1]);
    expect(Array.from(gemv(a, other, { out: new Float64Array(2) }))).toEqual([1, 1]);
  });

  it('sharesElements agrees with an explicit element set for random views of one buffer', () => {
    const view = fc.record({
      r: fc.integer({ min: 0, max: 4 }),
      c: fc.integer({ min: 0, max: 4 }),
      s0: fc.integer({ min: -6, max: 6 }),
      s1: fc.integer({ min: -6, max: 6 }),
      offset: fc.integer({ min: 0, max: 60 }),
    });
    const buffer = zeros(1, 120);
    const make = (v: { r: number; c: number; s0: number; s1: number; offset: number }) => {
      const base = 60;
      const m = buffer.hi(1, 120);
      // ndarray view with the given strides over the shared storage.
      return {
        ...m,
        data: m.data,
        offset: base + v.offset - 30,
        shape: [v.r, v.c],
        stride: [v.s0, v.s1],
      };
    };
    const indices = (v: ReturnType<typeof make>): Set<number> => {
      const set = new Set<number>();
      for (let i = 0; i < v.shape[0]!; i++)
        for (let j = 0; j < v.shape[1]!; j++)
          set.add(v.offset + i * v.stride[0]! + j * v.stride[1]!);
      return set;
    };
    fc.assert(
      fc.property(view, view, (x, y) => {
        const a = make(x);
        const b = make(y);
        const sa = indices(a);
        const expected = [...indices(b)].some((i) => sa.has(i));
        expect(sharesElements(a as never, b as never)).toBe(expected);
      }),
      { seed: 12, numRuns: 500 },
    );
  });
});
