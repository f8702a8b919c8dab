import {
  brandEighUpdate,
  eigh,
  fromArray,
  orthogonalityLoss,
  zeros,
  type LowRankEigen,
} from '@bkfac/linalg';
import { normalStream, randomOrthonormal } from '../../../test-support/reference';

// A long B-KFAC-style stream: Brand updates of an exponential average ρ·K + M·Mᵀ
// truncated to rank r, with batches drawn from a population whose covariance
// spectrum decays, against the exact dense average. The test runs 500 updates
// to stay within a few seconds (jest's sandbox slows numeric loops several-fold);
// the bench suite `linalg-lowrank` runs the same stream for 5,000 updates and
// reports the same quantities.
// The 200 x 200 spectra come from the library's dense `eigh` (tested against the
// Jacobi oracle in its own suite): the naive Jacobi oracle needs seconds at this size.
describe('brandEighUpdate: a stream of 500 updates (d = 200, r = 20, n = 8)', () => {
  const d = 200;
  const r = 20;
  const n = 8;
  const rho = 0.95;
  const steps = 500;
  const directions = 40;
  const population = randomOrthonormal(d, directions, 1).flat();
  const spread = Array.from({ length: directions }, (_, i) => 0.8 ** i);
  const gaussian = normalStream(2);

  /** Row-major `d x n` batch `√(1−ρ)·P·diag(spread)·G` (`P`: 40 orthonormal directions, `G` Gaussian). */
  function batch(): Float64Array {
    const m = new Float64Array(d * n);
    for (let t = 0; t < directions; t++) {
      for (let j = 0; j < n; j++) {
        const g = spread[t]! * gaussian();
        for (let i = 0; i < d; i++) m[i * n + j]! += population[i * directions + t]! * g;
      }
    }
    const scale = Math.sqrt(1 - rho);
    for (let i = 0; i < m.length; i++) m[i]! *= scale;
    return m;
  }

  /** `K ← ρ·K + M·Mᵀ` on a row-major `d x d` array (lower triangle computed, mirrored). */
  function accumulate(k: Float64Array, m: Float64Array): void {
    for (let i = 0; i < d; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let t = 0; t < n; t++) s += m[i * n + t]! * m[j * n + t]!;
        const v = rho * k[i * d + j]! + s;
        k[i * d + j] = v;
        k[j * d + i] = v;
      }
    }
  }

  let k: LowRankEigen = { values: new Float64Array(0), vectors: zeros(d, 0) };
  const losses: number[] = [];
  let evDense: Float64Array = new Float64Array(0);
  let evGap: Float64Array = new Float64Array(0);
  beforeAll(() => {
    const dense = new Float64Array(d * d);
    for (let step = 0; step < steps; step++) {
      const m = batch();
      k = brandEighUpdate(k, fromArray(m, [d, n]), { decay: rho, rank: r });
      accumulate(dense, m);
      if (step % 50 === 49) losses.push(orthogonalityLoss(k.vectors));
    }
    const exact = fromArray(dense, [d, d]);
    evDense = eigh(exact, { valuesOnly: true }).values;
    // K − V·diag(λ)·Vᵀ, formed entry by entry.
    const gap = fromArray(dense.slice(), [d, d]);
    for (let c = 0; c < r; c++) {
      for (let i = 0; i < d; i++) {
        const vi = k.values[c]! * k.vectors.get(i, c);
        for (let j = 0; j < d; j++) gap.data[i * d + j]! -= vi * k.vectors.get(j, c);
      }
    }
    evGap = eigh(gap, { valuesOnly: true }).values;
  }, 120_000);

  it('keeps ‖VᵀV − I‖_F ≤ 1e-11 throughout', () => {
    expect(losses).toHaveLength(steps / 50);
    for (const loss of losses) expect(loss).toBeLessThanOrEqual(1e-11);
  });

  it('stays below the dense average in the Loewner order', () => {
    expect(evGap[evGap.length - 1]!).toBeGreaterThanOrEqual(-1e-12 * evDense[0]!);
    Array.from(k.values).forEach((x, i) =>
      expect(x).toBeLessThanOrEqual(evDense[i]! * (1 + 1e-12)),
    );
  });

  it("tracks the dense average's top-r spectrum", () => {
    // Leading eigenvalues agree closely; the ones near the truncation rank lose a little more.
    for (let i = 0; i < 5; i++) expect(1 - k.values[i]! / evDense[i]!).toBeLessThanOrEqual(1e-3);
    for (let i = 0; i < r; i++) expect(1 - k.values[i]! / evDense[i]!).toBeLessThanOrEqual(0.1);
    // The error is within the scale of the Loewner-order bound: a few times the first discarded dense eigenvalue.
    expect(evGap[0]!).toBeLessThanOrEqual(20 * evDense[r]!);
  });
});
