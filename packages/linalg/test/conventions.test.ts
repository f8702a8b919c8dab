// The surface rules of docs/linalg.md ("Conventions"), pinned export by export: the storage order
// of every fresh matrix result, and the one `out` rule (written into, returned, never overlapping
// an input).
import { describe, expect, it } from '@jest/globals';
import * as L from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';

const general = (): Matrix =>
  L.fromRows([
    [1, 2, 0],
    [3, 4, 1],
    [5, 7, 2],
    [1, 0, 1],
  ]);
const spd = (): Matrix =>
  L.fromRows([
    [4, 1, 0.5],
    [1, 3, 0.25],
    [0.5, 0.25, 2],
  ]);
const basis = (): Matrix => L.eye(4).hi(4, 2);
const block = (): Matrix =>
  L.fromRows([
    [1, 2],
    [0, 1],
    [1, 0],
    [2, 1],
  ]);

type Order = 'row' | 'col';

/** `'row'` or `'col'` if `m` is a contiguous matrix of that order (from index 0), else `null`. */
function orderOf(m: Matrix): Order | null {
  const [r, c] = m.shape as [number, number];
  if (m.offset !== 0 || m.data.length !== r * c) return null;
  if (m.stride[0] === c && m.stride[1] === 1) return 'row';
  if (m.stride[0] === 1 && m.stride[1] === r) return 'col';
  return null;
}

describe('storage order of fresh results', () => {
  // Shapes are chosen with at least two rows and columns, where the two orders differ.
  const rowMajor: Record<string, () => Matrix> = {
    fromRows: () => general(),
    fromArray: () => L.fromArray(new Float64Array(6), [2, 3]),
    zeros: () => L.zeros(2, 3),
    eye: () => L.eye(3),
    copy: () => L.copy(general().transpose(1, 0)),
    gaussianMatrix: () => L.gaussianMatrix(3, 2, L.createRng(1)),
    transposeCopy: () => L.transposeCopy(general()),
    symmetrize: () => L.symmetrize(spd().transpose(1, 0)),
    scale: () => L.scale(general().transpose(1, 0), 2),
    add: () => L.add(general(), general()),
    sub: () => L.sub(general(), general()),
    gemm: () => L.gemm(general(), general(), { transA: true }),
    matmul: () => L.matmul(general().transpose(1, 0), general()),
    syrk: () => L.syrk(general(), { trans: true }),
    trsm: () => L.trsm(L.cholesky(spd()), general().hi(3, 3).transpose(1, 0)),
    choleskySolve: () => L.choleskySolve(L.cholesky(spd()), general().hi(3, 2)),
    solveSpd: () => L.solveSpd(spd(), general().hi(3, 2)),
    lstsq: () => L.lstsq(general(), block()),
    lowRankSolve: () => L.lowRankSolve(Float64Array.of(3, 1), basis(), 0.5, block()),
  };
  it.each(Object.entries(rowMajor))('%s: row-major', (_name, make) => {
    expect(orderOf(make())).toBe('row');
  });

  const eigenPairs = () => ({ values: Float64Array.of(3, 1), vectors: basis() });
  const columnMajor: Record<string, () => Matrix[]> = {
    qr: () => {
      const { q, r } = L.qr(general());
      return [q, r];
    },
    'qr (complete)': () => {
      const { q, r } = L.qr(general(), { mode: 'complete' });
      return [q, r];
    },
    'qr (r only)': () => [L.qr(general(), { mode: 'r' }).r],
    cholesky: () => [L.cholesky(spd())],
    eigh: () => [L.eigh(spd()).vectors],
    svd: () => {
      const { u, v } = L.svd(general());
      return [u, v];
    },
    'svd (wide)': () => {
      const { u, v } = L.svd(general().transpose(1, 0));
      return [u, v];
    },
    reorthonormalize: () => [L.reorthonormalize(general().hi(4, 2))],
    rangeFinder: () => [L.rangeFinder(general(), 2)],
    rsvd: () => {
      const { u, v } = L.rsvd(general(), 2);
      return [u, v];
    },
    reigh: () => [L.reigh(spd(), 2).vectors],
    brandEighUpdate: () => [L.brandEighUpdate(eigenPairs(), block()).vectors],
    brandSvdUpdate: () => {
      const prev = { u: basis(), s: Float64Array.of(3, 1), v: L.eye(3).hi(3, 2) };
      const { u, v } = L.brandSvdUpdate(
        prev,
        block(),
        L.fromRows([
          [1, 0],
          [0, 1],
          [1, 1],
        ]),
      );
      return [u, v];
    },
    svdAppendColumns: () => {
      const prev = { u: basis(), s: Float64Array.of(3, 1), v: L.eye(3).hi(3, 2) };
      const { u, v } = L.svdAppendColumns(prev, block());
      return [u, v];
    },
    rayleighRitzCorrection: () => [
      L.rayleighRitzCorrection(eigenPairs(), L.add(L.eye(4), L.eye(4)), { indices: [0] }).vectors,
    ],
  };
  it.each(Object.entries(columnMajor))('%s: column-major factors', (_name, make) => {
    for (const m of make()) expect(orderOf(m)).toBe('col');
  });
});

describe('the out rule', () => {
  const x = () => Float64Array.of(1, 2, 3);

  it('gemm, gemv, syrk, axpy, lowRankSolve and brandEighUpdate return the out they were given', () => {
    const out = L.zeros(4, 3);
    expect(L.gemm(general(), L.eye(3), { out })).toBe(out);
    const y = new Float64Array(4);
    expect(L.gemv(general(), x(), { out: y })).toBe(y);
    const s = L.zeros(3, 3, 'col');
    expect(L.syrk(general(), { trans: true, out: s })).toBe(s);
    const z = new Float64Array(3);
    expect(L.axpy(2, x(), x(), { out: z })).toBe(z);
    const solved = L.zeros(4, 2, 'col');
    expect(L.lowRankSolve(Float64Array.of(3, 1), basis(), 0.5, block(), { out: solved })).toBe(
      solved,
    );
    const buffers = { values: new Float64Array(4), vectors: L.zeros(4, 4, 'col') };
    const updated = L.brandEighUpdate(
      { values: Float64Array.of(3, 1), vectors: basis() },
      block(),
      { out: buffers },
    );
    expect(updated.vectors.data).toBe(buffers.vectors.data);
    expect(updated.values.buffer).toBe(buffers.values.buffer);
  });

  it('every out that overlaps an input is an InvalidArgumentError naming options.out', () => {
    const a = general();
    const v = x();
    const m = block();
    const rep = { values: Float64Array.of(3, 1), vectors: basis() };
    const identity = L.eye(3);
    const attempts: [string, () => unknown][] = [
      ['gemm', () => L.gemm(a, L.eye(3), { out: a.hi(4, 3) })],
      ['gemv', () => L.gemv(L.eye(3), v, { out: v })],
      ['syrk', () => L.syrk(identity, { out: identity })],
      ['syrk', () => L.syrk(a.hi(3, 3), { out: a.hi(3, 3).transpose(1, 0) })],
      ['axpy', () => L.axpy(1, v, x(), { out: v })],
      ['lowRankSolve', () => L.lowRankSolve(rep.values, rep.vectors, 1, m, { out: m })],
      [
        'brandEighUpdate',
        () =>
          L.brandEighUpdate(rep, m, {
            out: { values: new Float64Array(4), vectors: rep.vectors.lo(0, 0) },
          }),
      ],
    ];
    for (const [fn, attempt] of attempts) {
      expect(attempt).toThrow(L.InvalidArgumentError);
      expect(attempt).toThrow(new RegExp(`^${fn}: argument 'options\\.out`));
    }
  });
});
