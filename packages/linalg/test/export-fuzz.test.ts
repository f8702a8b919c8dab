// Every export of @bkfac/linalg under generated bad inputs: a typed error naming
// the function, or a finite result; never another error, a silent NaN/Infinity,
// or a changed argument after a failed call (see test-support/export-fuzz.ts).
import * as L from '@bkfac/linalg';
import * as V from '@bkfac/linalg/validate';
import type { Matrix } from '@bkfac/linalg';
import { describeExportFuzz } from '../../../test-support/export-fuzz';
import type { Template } from '../../../test-support/export-fuzz';

const rows = (r: number[][]): Matrix => L.fromRows(r);
/** A symmetric positive definite 3x3 matrix. */
const spd = (): Matrix =>
  rows([
    [4, 1, 0.5],
    [1, 3, 0.25],
    [0.5, 0.25, 2],
  ]);
const general = (): Matrix =>
  rows([
    [1, 2],
    [3, 4],
    [5, 7],
  ]);
const lower = (): Matrix =>
  rows([
    [2, 0, 0],
    [1, 3, 0],
    [0.5, 0.25, 4],
  ]);
const basis = (): Matrix => L.eye(4).hi(4, 2);
const eigenPairs = () => ({ values: Float64Array.from([3, 1]), vectors: basis() });
const svdTriple = () => ({ u: basis(), s: Float64Array.from([3, 1]), v: L.eye(3).hi(3, 2) });
const operator = () => ({
  rows: 3,
  cols: 3,
  symmetric: true,
  apply: (x: Matrix) => L.matmul(spd(), x),
});

const templates: Record<string, Template> = {
  add: () => [general(), general()],
  sub: () => [general(), general()],
  scale: () => [general(), 2],
  trace: () => [spd()],
  transposeCopy: () => [general()],
  symmetrize: () => [spd()],
  symmetrizeInPlace: () => [spd()],
  normFro: () => [general()],
  normMax: () => [general()],
  norm2: () => [general(), { tolerance: 1e-8, maxIterations: 50, seed: 3 }],
  zeros: () => [2, 3, 'col'],
  eye: () => [3],
  fromArray: () => [Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3], 'row'],
  fromRows: () => [
    [
      [1, 2],
      [3, 4],
    ],
  ],
  toRows: () => [general()],
  copy: () => [general(), 'col'],
  dot: () => [Float64Array.from([1, 2]), Float64Array.from([3, 4])],
  axpy: () => [
    2,
    Float64Array.from([1, 2]),
    Float64Array.from([3, 4]),
    { out: new Float64Array(2) },
  ],
  gemm: () => [
    general(),
    rows([
      [1, 0, 2],
      [0, 1, 1],
    ]),
    { transA: false, transB: false, alpha: 1, beta: 0.5, out: L.zeros(3, 3) },
  ],
  matmul: () => [
    general(),
    rows([
      [1, 0],
      [0, 1],
    ]),
  ],
  gemv: () => [
    general(),
    Float64Array.from([1, 2]),
    { trans: false, alpha: 1, beta: 0.5, out: new Float64Array(3) },
  ],
  syrk: () => [general(), { trans: true, alpha: 1, beta: 0.5, out: L.eye(2) }],
  trsm: () => [
    lower(),
    general().hi(3, 2),
    { side: 'left', lower: true, transA: false, unitDiagonal: false, alpha: 1 },
  ],
  cholesky: () => [spd()],
  choleskySolve: () => [L.cholesky(spd()), general().hi(3, 1)],
  solveSpd: () => [spd(), general()],
  lstsq: () => [general(), rows([[1], [2], [3]])],
  qr: () => [general(), { mode: 'reduced' }],
  eigh: () => [spd(), { vectors: true, top: 2, symmetryTolerance: 1e-10 }],
  svd: () => [general(), { vectors: true, full: false }],
  createRng: () => [7],
  gaussianMatrix: () => [2, 3, L.createRng(1), 'row'],
  rangeFinder: () => [spd(), 2, { powerIterations: 1, seed: 2 }],
  rsvd: () => [general(), 1, { oversample: 1, powerIterations: 1, seed: 2 }],
  reigh: () => [operator(), 2, { oversample: 1, powerIterations: 1, seed: 2 }],
  reorthonormalize: () => [
    rows([
      [1, 1e-6],
      [0, 1],
      [0, 0],
    ]),
  ],
  orthogonalityLoss: () => [basis()],
  lowRankSolve: () => [
    Float64Array.from([3, 1]),
    basis(),
    0.5,
    rows([[1], [2], [3], [4]]),
    { side: 'left', orthonormalityCheck: 'full' },
  ],
  brandEighUpdate: () => [
    eigenPairs(),
    rows([[1], [0], [1], [2]]),
    { decay: 0.9, rank: 2, tolerance: 1e-12 },
  ],
  brandSvdUpdate: () => [
    svdTriple(),
    rows([[1], [0], [1], [2]]),
    rows([[1], [2], [0]]),
    { decay: 0.9, rank: 2 },
  ],
  svdAppendColumns: () => [
    { u: basis(), s: Float64Array.from([3, 1]) },
    rows([[1], [0], [1], [2]]),
    { decay: 0.9 },
  ],
  rayleighRitzCorrection: () => [
    eigenPairs(),
    L.add(L.eye(4), L.eye(4)),
    { fraction: 0.5, seed: 1 },
  ],
  reportedAs: () => ['reportedAs', 'a', () => L.matmul(general(), L.eye(2))],
  computeInfo: () => [],
  setKernels: () => ['auto'],
  setThreads: () => [1],
};

afterAll(() => {
  L.setKernels('auto');
  L.setThreads(1);
});

describeExportFuzz('@bkfac/linalg', L as unknown as Record<string, unknown>, templates, [
  'reportedAs',
]);

// The validators of the subpath export: every one names its caller (arguments 0 and 1).
const validators: Record<string, Template> = {
  assertMatrix: () => ['assertMatrix', 'a', general()],
  assertShape: () => ['assertShape', 'a', general(), [3, 2]],
  assertSquare: () => ['assertSquare', 'a', spd()],
  assertFinite: () => ['assertFinite', 'a', general()],
  assertFiniteVector: () => ['assertFiniteVector', 'v', Float64Array.from([1, 2])],
  assertSymmetric: () => ['assertSymmetric', 'a', spd(), 1e-10],
  assertInteger: () => ['assertInteger', 'k', 3, 0, 10],
  assertNumber: () => ['assertNumber', 'x', 0.5, 0, 1],
  assertBoolean: () => ['assertBoolean', 'flag', true],
  assertDisjoint: () => ['assertDisjoint', 'out', L.zeros(2, 2), 'a', L.zeros(2, 2)],
  assertOrthonormal: () => [
    'assertOrthonormal',
    'basis',
    basis(),
    { orthonormalityCheck: 'full', orthonormalityTolerance: 1e-10 },
  ],
};
describeExportFuzz(
  '@bkfac/linalg/validate',
  V as unknown as Record<string, unknown>,
  validators,
  Object.keys(validators),
);
