import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError, fromArray, fromRows, lowRankSolve, toRows } from '@bkfac/linalg';
import type { Matrix } from '@bkfac/linalg';

describe('lowRankSolve at the edges of the float64 range', () => {
  it('an out that is m (or overlaps it) is rejected before anything is written', () => {
    const m = fromRows([[100], [100]]);
    expect(() =>
      lowRankSolve(new Float64Array([1]), fromRows([[1], [0]]), 1, m, { out: m }),
    ).toThrow(
      "lowRankSolve: argument 'options.out' must be storage that shares no element with 'm'",
    );
    const shared = new Float64Array([1, 2, 3]);
    const overlapping = fromArray(shared.subarray(1), [2, 1]);
    expect(() =>
      lowRankSolve(new Float64Array([1]), fromRows([[1], [0]]), 1, fromArray(shared, [2, 1]), {
        out: overlapping,
      }),
    ).toThrow(InvalidArgumentError);
    expect(Array.from(shared)).toEqual([1, 2, 3]);
    expect(toRows(m)).toEqual([[100], [100]]);
  });

  it('a failed solve into a separate out leaves out as it was', () => {
    const out = fromRows([[7], [8]]);
    expect(() =>
      lowRankSolve(new Float64Array([1]), fromRows([[1], [0]]), 1e-307, fromRows([[100], [100]]), {
        out,
      }),
    ).toThrow(InvalidArgumentError);
    expect(toRows(out)).toEqual([[7], [8]]);
  });

  it('tiny positive mu with zero eigenvalues gives the finite exact answer M/mu', () => {
    const x = lowRankSolve(
      new Float64Array([0]),
      fromRows([[1], [0]]),
      1e-170,
      fromRows([[1], [1]]),
    );
    expect(toRows(x)).toEqual([[1e170], [1e170]]);
  });

  it('tiny mu and an eigenvalue of the same size (well conditioned): (λ + μ)⁻¹ and μ⁻¹', () => {
    // λ = μ = 1e-170 on e₁: x₁ = 1/(2e-170), x₂ = 1/1e-170; μ(λ + μ) = 2e-340 would underflow.
    const x = toRows(
      lowRankSolve(new Float64Array([1e-170]), fromRows([[1], [0]]), 1e-170, fromRows([[1], [1]])),
    );
    expect(Math.abs(x[0]![0]! - 5e169) / 5e169).toBeLessThan(4 * Number.EPSILON);
    expect(Math.abs(x[1]![0]! - 1e170) / 1e170).toBeLessThan(4 * Number.EPSILON);
  });

  it('an out that overlaps the basis or the eigenvalues is rejected', () => {
    const basis = fromRows([[1], [0]]);
    const values = new Float64Array([1, 0]);
    const m = fromRows([[2], [4]]);
    const solve = (out: Matrix) => () => lowRankSolve(values.subarray(0, 1), basis, 1, m, { out });
    expect(solve(basis)).toThrow(
      "argument 'options.out' must be storage that shares no element with 'vectors'",
    );
    expect(solve(fromArray(values, [2, 1]))).toThrow("shares no element with 'values'");
    expect(toRows(m)).toEqual([[2], [4]]);
  });
});
