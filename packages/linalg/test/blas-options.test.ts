import { eye, gemm, gemv, InvalidArgumentError, syrk, trsm } from '@bkfac/linalg';

// Flags given as strings or numbers used to be read by truthiness (`lower: 'no'` meant lower).
describe('boolean options of the BLAS are checked (issue 12, defect 13)', () => {
  const a = eye(2);
  const x = Float64Array.of(1, 2);
  test.each<[string, () => unknown, RegExp]>([
    [
      'gemm transA',
      () => gemm(a, a, { transA: 'yes' as never }),
      /^gemm: argument 'options\.transA' must be true or false, received "yes"$/,
    ],
    ['gemm transB', () => gemm(a, a, { transB: 1 as never }), /^gemm: argument 'options\.transB'/],
    ['gemv trans', () => gemv(a, x, { trans: 'no' as never }), /^gemv: argument 'options\.trans'/],
    ['syrk trans', () => syrk(a, { trans: 0 as never }), /^syrk: argument 'options\.trans'/],
    ['trsm lower', () => trsm(a, a, { lower: 'no' as never }), /^trsm: argument 'options\.lower'/],
    [
      'trsm transA',
      () => trsm(a, a, { transA: null as never }),
      /^trsm: argument 'options\.transA'/,
    ],
    [
      'trsm unitDiagonal',
      () => trsm(a, a, { unitDiagonal: 'true' as never }),
      /^trsm: argument 'options\.unitDiagonal'/,
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
  });

  test('real booleans and omitted flags still work', () => {
    expect(gemm(a, a, { transA: true, transB: false }).get(1, 1)).toBe(1);
    expect(Array.from(gemv(a, x, {}))).toEqual([1, 2]);
  });
});
