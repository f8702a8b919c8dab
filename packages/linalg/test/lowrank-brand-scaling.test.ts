import {
  brandEighUpdate,
  createRng,
  gaussianMatrix,
  gemm,
  InvalidArgumentError,
  qr,
  scale,
  type LowRankEigen,
} from '@bkfac/linalg';
import { EPS } from '../../../test-support/reference';

const D = 9;
const N = 3;
const base = (): { rep: LowRankEigen; m: ReturnType<typeof gaussianMatrix> } => ({
  rep: { values: Float64Array.of(3, 1), vectors: qr(gaussianMatrix(D, 2, createRng(1), 'col')).q },
  m: gaussianMatrix(D, N, createRng(2), 'col'),
});

/** Largest |P_a − P_b| entry between the projectors onto two orthonormal column sets. */
function projectorDistance(
  a: ReturnType<typeof gaussianMatrix>,
  b: ReturnType<typeof gaussianMatrix>,
): number {
  const pa = gemm(a, a, { transB: true });
  const pb = gemm(b, b, { transB: true });
  let worst = 0;
  for (let i = 0; i < D; i++)
    for (let j = 0; j < D; j++) worst = Math.max(worst, Math.abs(pa.get(i, j) - pb.get(i, j)));
  return worst;
}

describe('brandEighUpdate near the ends of the float64 range (issue 12, defects 4 and 11)', () => {
  test('a huge but representable update equals the scaled ordinary one', () => {
    // M·Mᵀ and λ near 2^1017: any square of an entry formed along the way overflows.
    const s = 2 ** 508;
    const { rep, m } = base();
    const plain = brandEighUpdate(rep, m, { decay: 0.9 });
    const scaledRep = { values: rep.values.map((x) => x * s * s), vectors: rep.vectors };
    const scaled = brandEighUpdate(scaledRep, scale(m, s), { decay: 0.9 });
    expect(scaled.values.every(Number.isFinite)).toBe(true);
    scaled.values.forEach((x, i) => {
      expect(Math.abs(x / (s * s) - plain.values[i]!)).toBeLessThanOrEqual(
        64 * D * EPS * plain.values[0]!,
      );
    });
    expect(projectorDistance(scaled.vectors, plain.vectors)).toBeLessThanOrEqual(1e-10);
  });

  test('a tiny update keeps its directions and its subnormal eigenvalues', () => {
    // Entries 2^-530: their squares are subnormal (a few significant bits) unless scaled first.
    const s = 2 ** -530;
    const { m } = base();
    const zero: LowRankEigen = {
      values: new Float64Array(0),
      vectors: gaussianMatrix(D, 0, createRng(3), 'col'),
    };
    const plain = brandEighUpdate(zero, m, { rank: N });
    const tiny = brandEighUpdate(zero, scale(m, s), { rank: N });
    expect(projectorDistance(tiny.vectors, plain.vectors)).toBeLessThanOrEqual(1e-10);
    tiny.values.forEach((x, i) => {
      // Within the spacing of subnormals at that size, not just "some small number".
      expect(Math.abs(x - plain.values[i]! * s * s)).toBeLessThanOrEqual(
        4 * 2 ** -1074 + 64 * D * EPS * x,
      );
    });
  });

  test('an update below the range still finds the directions of M', () => {
    const { m } = base();
    const zero: LowRankEigen = {
      values: new Float64Array(0),
      vectors: gaussianMatrix(D, 0, createRng(3), 'col'),
    };
    const ordinary = brandEighUpdate(zero, m, { rank: N });
    const tiny = brandEighUpdate(zero, scale(m, 1e-200), { rank: N });
    expect(projectorDistance(tiny.vectors, ordinary.vectors)).toBeLessThanOrEqual(1e-10);
  });

  test('an update whose eigenvalues exceed float64 is a typed error naming brandEighUpdate and m', () => {
    const { rep, m } = base();
    const call = (): unknown => brandEighUpdate(rep, scale(m, 1e155));
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(
      /^brandEighUpdate: argument 'm' must be an update whose eigenvalues fit in float64/,
    );
  });
});
