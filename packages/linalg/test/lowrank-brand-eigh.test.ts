import fc from 'fast-check';
import {
  brandEighUpdate,
  fromArray,
  InvalidArgumentError,
  NonFiniteError,
  ShapeError,
  zeros,
  type LowRankEigen,
} from '@bkfac/linalg';
import {
  add,
  arbSeed,
  awkwardView,
  frob,
  jacobiEigenvalues,
  matOf,
  mul,
  orthogonalityError,
  randomRows,
  rowsOf,
  scale,
  sub,
  transpose,
  type Rows,
} from '../../../test-support/reference';
import {
  decayAndAdd,
  EPS,
  gram,
  projectorDistanceBound,
  randomBlock,
  randomRepresentation,
  reconstruct,
  spectralNorm,
} from './lowrank-helpers';

/** Stated constant of the reconstruction bound `C·(d + r + n)·eps·‖K⁺‖_F`. */
const C = 4;

function expectDescending(values: Float64Array): void {
  for (let i = 1; i < values.length; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
}

function truncate(k: LowRankEigen, r: number): LowRankEigen {
  const keep = Math.min(r, k.values.length);
  return { values: k.values.slice(0, keep), vectors: k.vectors.hi(k.vectors.shape[0]!, keep) };
}

describe('brandEighUpdate: exactness', () => {
  it('reconstructs ρ·VΛVᵀ + MMᵀ exactly with an orthonormal basis of r + n columns', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 10 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (seed, d, r0, n, decay) => {
          const r = Math.min(r0, d);
          const prev = randomRepresentation(d, r, seed);
          const m = randomRows(d, n, seed + 1);
          const out = brandEighUpdate(prev, awkwardView(m, n), { decay });
          const dense = decayAndAdd(reconstruct(prev.values, prev.vectors), decay, m);
          const err = frob(sub(reconstruct(out.values, out.vectors), dense));
          expect(err).toBeLessThanOrEqual(C * (d + r + n) * EPS * frob(dense));
          expect(orthogonalityError(rowsOf(out.vectors))).toBeLessThanOrEqual(1e-12);
          // A Gaussian block has full rank: n' = min(n, d − r).
          expect(out.vectors.shape).toEqual([d, r + Math.min(n, d - r)]);
          expectDescending(out.values);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('returns the top r + n eigenvalues of the dense matrix when r + n ≤ d', () => {
    fc.assert(
      fc.property(arbSeed, fc.integer({ min: 4, max: 30 }), (seed, d) => {
        const r = Math.floor(d / 3);
        const n = Math.max(1, Math.floor(d / 4));
        const prev = randomRepresentation(d, r, seed, 5);
        const m = randomRows(d, n, seed + 2);
        const out = brandEighUpdate(prev, matOf(m, n));
        const dense = add(reconstruct(prev.values, prev.vectors), gram(m));
        const ev = jacobiEigenvalues(dense);
        const tol = C * d * EPS * ev[0]!;
        Array.from(out.values).forEach((x, i) =>
          expect(Math.abs(x - ev[i]!)).toBeLessThanOrEqual(tol),
        );
        ev.slice(r + n).forEach((x) => expect(Math.abs(x)).toBeLessThanOrEqual(tol));
        expect(out.values[out.values.length - 1]!).toBeGreaterThanOrEqual(-tol);
      }),
      { numRuns: 25 },
    );
  });

  it('starts from an empty representation (r = 0): the eigendecomposition of MMᵀ, also for n > d', () => {
    const d = 9;
    const n = 14;
    const m = randomRows(d, n, 3);
    const out = brandEighUpdate({ values: new Float64Array(0), vectors: zeros(d, 0) }, matOf(m, n));
    expect(out.vectors.shape).toEqual([d, d]);
    const dense = gram(m);
    expect(frob(sub(reconstruct(out.values, out.vectors), dense))).toBeLessThanOrEqual(
      C * (d + n) * EPS * frob(dense),
    );
    expect(orthogonalityError(rowsOf(out.vectors))).toBeLessThanOrEqual(1e-12);
  });

  it('with decay 0 forgets the previous representation', () => {
    const prev = randomRepresentation(12, 4, 8);
    const m = randomRows(12, 3, 9);
    const out = brandEighUpdate(prev, matOf(m, 3), { decay: 0 });
    const dense = gram(m);
    expect(frob(sub(reconstruct(out.values, out.vectors), dense))).toBeLessThanOrEqual(
      C * 19 * EPS * frob(dense),
    );
  });

  it('does not modify its inputs', () => {
    const prev = randomRepresentation(10, 3, 4);
    const m = randomBlock(10, 2, 5);
    const before = [Array.from(prev.values), rowsOf(prev.vectors), rowsOf(m)];
    brandEighUpdate(prev, m, { rank: 2, decay: 0.5 });
    expect([Array.from(prev.values), rowsOf(prev.vectors), rowsOf(m)]).toEqual(before);
  });
});

describe('brandEighUpdate: truncation', () => {
  it('equals the best rank-k approximation of the updated matrix (norms and projector)', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.integer({ min: 6, max: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        (seed, d, r0, n, k0) => {
          const r = Math.min(r0, d - 1);
          const k = Math.min(k0, r + n - 1, d - 1);
          fc.pre(k >= 1);
          const prev = randomRepresentation(d, r, seed, 3);
          const m = randomRows(d, n, seed + 5);
          const out = brandEighUpdate(prev, matOf(m, n), { rank: k, decay: 0.9 });
          expect(out.values.length).toBe(k);
          const dense = decayAndAdd(reconstruct(prev.values, prev.vectors), 0.9, m);
          const ev = jacobiEigenvalues(dense);
          const diff = sub(dense, reconstruct(out.values, out.vectors));
          const tail = Math.sqrt(ev.slice(k).reduce((s, x) => s + x * x, 0));
          const tol = C * (d + r + n) * EPS * ev[0]!;
          expect(Math.abs(frob(diff) - tail)).toBeLessThanOrEqual(tol * Math.sqrt(d));
          expect(Math.abs(spectralNorm(diff) - Math.abs(ev[k]!))).toBeLessThanOrEqual(
            tol * Math.sqrt(d),
          );
          // Kept subspace = dense top-k eigenspace (Davis–Kahan), whenever the gap is resolvable.
          if (ev[k - 1]! - ev[k]! > 1e-6 * ev[0]!) {
            expect(projectorDistanceBound(dense, out.values, out.vectors)).toBeLessThanOrEqual(
              1e-8,
            );
          }
          expect(orthogonalityError(rowsOf(out.vectors))).toBeLessThanOrEqual(1e-12);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('truncating after the update equals truncating before the next one', () => {
    const d = 30;
    const r = 5;
    const n = 3;
    let before: LowRankEigen = { values: new Float64Array(0), vectors: zeros(d, 0) };
    let after: LowRankEigen = before;
    for (let step = 0; step < 8; step++) {
      const m = randomBlock(d, n, 100 + step);
      before = brandEighUpdate(truncate(before, r), m, { decay: 0.95 });
      after = brandEighUpdate(after, m, { decay: 0.95, rank: r });
      const top = truncate(before, r);
      Array.from(after.values).forEach((x, i) =>
        expect(Math.abs(x - top.values[i]!)).toBeLessThanOrEqual(1e-12 * top.values[0]!),
      );
      const pa = mul(rowsOf(after.vectors), transpose(rowsOf(after.vectors)));
      const pb = mul(rowsOf(top.vectors), transpose(rowsOf(top.vectors)));
      expect(frob(sub(pa, pb))).toBeLessThanOrEqual(1e-9);
    }
  });
});

describe('brandEighUpdate: sequences', () => {
  it('without truncation equals the dense zero-initialised exponential average', () => {
    const d = 40;
    const r = 3;
    const n = 3;
    const rho = 0.9;
    const eye = Array.from({ length: d }, (_, i) =>
      Array.from({ length: r }, (_, j) => (i === j ? 1 : 0)),
    );
    let k: LowRankEigen = { values: new Float64Array(r), vectors: matOf(eye, r) };
    let dense: Rows = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let step = 0; step < 6; step++) {
      const b = randomRows(d, n, 40 + step);
      const m = b.map((row) => row.map((x) => Math.sqrt(1 - rho) * x));
      k = brandEighUpdate(k, matOf(m, n), { decay: rho });
      dense = decayAndAdd(dense, rho, m);
    }
    expect(k.vectors.shape[1]).toBe(r + 6 * n);
    expect(frob(sub(reconstruct(k.values, k.vectors), dense))).toBeLessThanOrEqual(
      C * (d + 6 * n) * EPS * frob(dense) * 6,
    );
    expect(orthogonalityError(rowsOf(k.vectors))).toBeLessThanOrEqual(1e-12);
  });

  it('with truncation stays below the dense average in the Loewner order', () => {
    const d = 30;
    const r = 6;
    const n = 4;
    const rho = 0.8;
    let k: LowRankEigen = { values: new Float64Array(0), vectors: zeros(d, 0) };
    let dense: Rows = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    let bound = 0;
    for (let step = 0; step < 10; step++) {
      const m = randomRows(d, n, 70 + step).map((row, i) => row.map((x) => x / (1 + i)));
      const full = brandEighUpdate(k, matOf(m, n), { decay: rho });
      const next = brandEighUpdate(k, matOf(m, n), { decay: rho, rank: r });
      bound = rho * bound + (full.values[r] ?? 0);
      k = next;
      dense = decayAndAdd(dense, rho, m);
      const kb = reconstruct(k.values, k.vectors);
      const gapEv = jacobiEigenvalues(sub(dense, kb));
      const scaleK = jacobiEigenvalues(dense)[0]!;
      expect(gapEv[gapEv.length - 1]!).toBeGreaterThanOrEqual(-1e-12 * scaleK);
      expect(gapEv[0]!).toBeLessThanOrEqual(bound + 1e-12 * scaleK);
      const evDense = jacobiEigenvalues(dense);
      Array.from(k.values).forEach((x, i) =>
        expect(x).toBeLessThanOrEqual(evDense[i]! + 1e-12 * scaleK),
      );
    }
  });
});

describe('brandEighUpdate: residual safeguard (T6b)', () => {
  const d = 70;
  const r = 10;
  const n = 6;
  const prev = randomRepresentation(d, r, 11, 2);
  const u = prev.rows;
  const inside = mul(u, randomRows(r, n, 12));

  it('M inside span(V): exact, n′ = 0, every eigenvector in span(V), orthonormal', () => {
    const out = brandEighUpdate(prev, matOf(inside, n));
    expect(out.vectors.shape).toEqual([d, r]);
    const dense = add(reconstruct(prev.values, prev.vectors), gram(inside));
    expect(frob(sub(reconstruct(out.values, out.vectors), dense))).toBeLessThanOrEqual(
      C * (d + r + n) * EPS * frob(dense),
    );
    const v = rowsOf(out.vectors);
    const outside = sub(v, mul(u, mul(transpose(u), v)));
    expect(frob(outside)).toBeLessThanOrEqual(1e-13);
    expect(orthogonalityError(v)).toBeLessThanOrEqual(1e-12);
  });

  it('the naive step (reference code) loses orthogonality on the same input', () => {
    const out = brandEighUpdate(prev, matOf(inside, n), { residual: 'naive' });
    expect(out.vectors.shape).toEqual([d, r + n]);
    // Reconstruction stays exact, orthonormality does not (so assert only "≫ 1e-12").
    const dense = add(reconstruct(prev.values, prev.vectors), gram(inside));
    expect(frob(sub(reconstruct(out.values, out.vectors), dense))).toBeLessThanOrEqual(
      C * (d + r + n) * EPS * frob(dense),
    );
    expect(orthogonalityError(rowsOf(out.vectors))).toBeGreaterThan(1e-6);
  });

  it('the naive step equals the stable one on a generic block', () => {
    const m = randomBlock(d, n, 13);
    const naive = brandEighUpdate(prev, m, { residual: 'naive' });
    const stable = brandEighUpdate(prev, m);
    Array.from(naive.values).forEach((x, i) =>
      expect(Math.abs(x - stable.values[i]!)).toBeLessThanOrEqual(1e-12 * stable.values[0]!),
    );
  });

  const graded = randomRows(d, n, 14).map((row) =>
    row.map((x, j) => x * 10 ** (-8 + (16 * j) / (n - 1))),
  );
  const nearSpan = add(inside, scale(randomRows(d, n, 15), 1e-9));
  const duplicated = randomRows(d, n, 16).map((row) => [...row.slice(0, 3), ...row.slice(0, 3)]);
  const nearlyDuplicated = randomRows(d, n, 21).map((row) =>
    row.map((x, j) => (j % 2 === 0 ? x : row[j - 1]! + 1e-9 * x)),
  );
  const gradedNearSpan = add(
    mul(u, randomRows(r, n, 17)).map((row) => row.map((x, j) => x * 10 ** (4 - 2 * j))),
    scale(randomRows(d, n, 18), 1e-7),
  );
  const cases: [string, Rows, number][] = [
    ['inside span(V)', inside, n],
    ['1e-9 off span(V)', nearSpan, n],
    ['zero', randomRows(d, n, 19).map((row) => row.map(() => 0)), n],
    ['duplicated columns', duplicated, n],
    ['nearly duplicated columns (x, x + 1e-9·y)', nearlyDuplicated, n],
    ['graded column scales 1e-8..1e8', graded, n],
    ['graded and near span(V)', gradedNearSpan, n],
    ['n > d', randomRows(d, d + 5, 20), d + 5],
  ];
  it.each(cases)('%s: orthonormal to 1e-12 and exact', (_name, m, cols) => {
    for (const start of [prev, { values: new Float64Array(0), vectors: zeros(d, 0) }]) {
      const out = brandEighUpdate(start, matOf(m, cols));
      expect(orthogonalityError(rowsOf(out.vectors))).toBeLessThanOrEqual(1e-12);
      const dense = add(reconstruct(start.values, start.vectors), gram(m));
      const scaleK = Math.max(frob(dense), Number.MIN_VALUE);
      expect(frob(sub(reconstruct(out.values, out.vectors), dense))).toBeLessThanOrEqual(
        C * (d + r + cols) * EPS * scaleK,
      );
    }
  });
});

describe('brandEighUpdate: adversarial blocks (property)', () => {
  type Kind =
    | 'inside'
    | 'near'
    | 'zero'
    | 'duplicated'
    | 'nearlyDuplicated'
    | 'graded'
    | 'gradedNear'
    | 'wide';
  const kinds: Kind[] = [
    'inside',
    'near',
    'zero',
    'duplicated',
    'nearlyDuplicated',
    'graded',
    'gradedNear',
    'wide',
  ];
  function block(kind: Kind, u: Rows, d: number, r: number, n: number, seed: number): Rows {
    const g = randomRows(d, n, seed);
    const inside = r === 0 ? g.map((row) => row.map(() => 0)) : mul(u, randomRows(r, n, seed + 1));
    const grade = (j: number) => 10 ** (-8 + (16 * j) / Math.max(1, n - 1));
    switch (kind) {
      case 'inside':
        return inside;
      case 'near':
        return add(inside, scale(g, 1e-9));
      case 'zero':
        return scale(g, 0);
      case 'duplicated':
        return g.map((row) => row.map((_, j) => row[j - (j % 2)]!));
      case 'nearlyDuplicated':
        return g.map((row) => row.map((x, j) => (j % 2 === 0 ? x : row[j - 1]! + 1e-9 * x)));
      case 'graded':
        return g.map((row) => row.map((x, j) => x * grade(j)));
      case 'gradedNear':
        return add(
          inside.map((row) => row.map((x, j) => x * 10 ** (4 - j))),
          g.map((row) => row.map((x, j) => 1e-7 * 10 ** -j * x)),
        );
      case 'wide':
        return g;
    }
  }
  it('keeps ‖V⁺ᵀV⁺ − I‖ ≤ 1e-12 and the reconstruction for every kind of block', () => {
    fc.assert(
      fc.property(
        arbSeed,
        fc.constantFrom(...kinds),
        fc.integer({ min: 3, max: 40 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 8 }),
        (seed, kind, d, r0, n0) => {
          const r = Math.min(r0, d - 1);
          const n = kind === 'wide' ? d + n0 : n0;
          const prev = randomRepresentation(d, r, seed, 5);
          const m = block(kind, prev.rows, d, r, n, seed + 3);
          const out = brandEighUpdate(prev, matOf(m, n), { decay: 0.9 });
          expect(orthogonalityError(rowsOf(out.vectors))).toBeLessThanOrEqual(1e-12);
          const dense = decayAndAdd(reconstruct(prev.values, prev.vectors), 0.9, m);
          expect(frob(sub(reconstruct(out.values, out.vectors), dense))).toBeLessThanOrEqual(
            C * (d + r + n) * EPS * Math.max(frob(dense), Number.MIN_VALUE),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('brandEighUpdate: output buffers', () => {
  it('writes into alternating out buffers with the same result as fresh outputs', () => {
    const d = 25;
    const r = 4;
    const bufs = [0, 1].map(() => ({ values: new Float64Array(r), vectors: zeros(d, r, 'col') }));
    let fresh: LowRankEigen = { values: new Float64Array(0), vectors: zeros(d, 0) };
    let buffered = fresh;
    for (let step = 0; step < 5; step++) {
      const m = randomBlock(d, 3, 200 + step);
      fresh = brandEighUpdate(fresh, m, { rank: r, decay: 0.9 });
      buffered = brandEighUpdate(buffered, m, { rank: r, decay: 0.9, out: bufs[step % 2] });
      expect(buffered.vectors.data).toBe(bufs[step % 2]!.vectors.data);
      expect(buffered.values.buffer).toBe(bufs[step % 2]!.values.buffer);
      expect(Array.from(buffered.values)).toEqual(Array.from(fresh.values));
      expect(rowsOf(buffered.vectors)).toEqual(rowsOf(fresh.vectors));
    }
  });
});

describe('brandEighUpdate: errors', () => {
  const d = 8;
  const prev = randomRepresentation(d, 3, 30);
  const m = randomBlock(d, 2, 31);
  const call = (p: unknown, mm: unknown, o?: object) => () =>
    brandEighUpdate(p as LowRankEigen, mm as typeof m, o as never);

  it('rejects a non-object representation', () => {
    expect(call(null, m)).toThrow(InvalidArgumentError);
  });
  it('rejects values that are not a Float64Array', () => {
    expect(call({ values: [1, 2, 3], vectors: prev.vectors }, m)).toThrow(InvalidArgumentError);
  });
  it('rejects values whose length differs from the basis columns', () => {
    expect(call({ values: new Float64Array(2), vectors: prev.vectors }, m)).toThrow(ShapeError);
  });
  it('rejects a basis with more columns than rows', () => {
    expect(
      call({ values: new Float64Array(3), vectors: zeros(2, 3) }, randomBlock(2, 1, 1)),
    ).toThrow(ShapeError);
  });
  it('rejects a block with the wrong number of rows', () => {
    expect(call(prev, randomBlock(d + 1, 2, 32))).toThrow(ShapeError);
  });
  it('rejects a non-orthonormal basis (probe and full checks)', () => {
    const bad = matOf(
      rowsOf(prev.vectors).map((row) => row.map((x) => 1.01 * x)),
      3,
    );
    expect(call({ values: prev.values, vectors: bad }, m)).toThrow(InvalidArgumentError);
    expect(call({ values: prev.values, vectors: bad }, m, { orthonormalityCheck: 'full' })).toThrow(
      /orthonormal/,
    );
    expect(() =>
      call({ values: prev.values, vectors: bad }, m, { orthonormalityCheck: 'off' })(),
    ).not.toThrow();
  });
  it('rejects an invalid orthonormality option', () => {
    expect(call(prev, m, { orthonormalityCheck: 'some' })).toThrow(InvalidArgumentError);
    expect(call(prev, m, { orthonormalityTolerance: -1 })).toThrow(InvalidArgumentError);
  });
  it('rejects non-finite values, vectors and blocks', () => {
    const values = prev.values.slice();
    values[1] = NaN;
    expect(call({ values, vectors: prev.vectors }, m)).toThrow(NonFiniteError);
    const v = rowsOf(prev.vectors);
    v[2]![1] = Infinity;
    expect(call({ values: prev.values, vectors: matOf(v, 3) }, m)).toThrow(NonFiniteError);
    const mm = rowsOf(m);
    mm[0]![0] = NaN;
    expect(call(prev, matOf(mm, 2))).toThrow(NonFiniteError);
  });
  it('rejects a negative or non-finite decay', () => {
    expect(call(prev, m, { decay: -0.1 })).toThrow(InvalidArgumentError);
    expect(call(prev, m, { decay: Infinity })).toThrow(InvalidArgumentError);
  });
  it('rejects a rank outside [1, d]', () => {
    expect(call(prev, m, { rank: 0 })).toThrow(InvalidArgumentError);
    expect(call(prev, m, { rank: d + 1 })).toThrow(InvalidArgumentError);
    expect(call(prev, m, { rank: 1.5 })).toThrow(InvalidArgumentError);
  });
  it('rejects a tolerance outside [0, 1]', () => {
    expect(call(prev, m, { tolerance: 2 })).toThrow(InvalidArgumentError);
  });
  it('rejects an unknown residual mode, and the naive mode when r + n > d', () => {
    expect(call(prev, m, { residual: 'fast' })).toThrow(InvalidArgumentError);
    expect(call(prev, randomBlock(d, 6, 33), { residual: 'naive' })).toThrow(InvalidArgumentError);
  });
  it('rejects out buffers that overlap an input or are too small', () => {
    const small = { values: new Float64Array(5), vectors: zeros(d, 2, 'col') };
    expect(call(prev, m, { out: small })).toThrow(ShapeError);
    expect(call(prev, m, { out: { values: new Float64Array(5), vectors: prev.vectors } })).toThrow(
      InvalidArgumentError,
    );
    expect(
      call(prev, m, { out: { values: new Float64Array(5), vectors: zeros(d + 1, 5) } }),
    ).toThrow(ShapeError);
    expect(call(prev, m, { out: { values: new Float64Array(4), vectors: zeros(d, 5) } })).toThrow(
      ShapeError,
    );
    expect(call(prev, m, { out: { values: [0, 0, 0, 0, 0], vectors: zeros(d, 5) } })).toThrow(
      InvalidArgumentError,
    );
    expect(call(prev, m, { out: 'buffers' })).toThrow(InvalidArgumentError);
    const block = zeros(d, 6, 'col');
    expect(
      call(prev, block.hi(d, 2), { out: { values: new Float64Array(5), vectors: block.lo(0, 1) } }),
    ).toThrow(
      "brandEighUpdate: argument 'options.out.vectors' must be storage that shares no element with 'm'",
    );
    expect(call(prev, m, { out: { values: prev.values, vectors: zeros(d, 5) } })).toThrow(
      "argument 'options.out.values' must be storage that shares no element with 'prev.values'",
    );
    const shared = new Float64Array(d * 5 + 5);
    const vectors = fromArray(shared.subarray(0, d * 5), [d, 5], 'col');
    expect(call(prev, m, { out: { values: shared.subarray(d * 5), vectors } })).not.toThrow();
    expect(call(prev, m, { out: { values: shared.subarray(d * 5 - 1), vectors } })).toThrow(
      "argument 'options.out.values' must be storage that shares no element with 'options.out.vectors'",
    );
  });
});
