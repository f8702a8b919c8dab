import fc from 'fast-check';
import { fromRows, NonFiniteError } from '@bkfac/linalg';
import { assertFinite, assertSymmetric } from '@bkfac/linalg/validate';
import { arbSeed, awkwardView, randomRows } from '../../../test-support/reference';

describe('assertFinite', () => {
  test('names the first non-finite entry in row order, in any layout', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity)), {
          minLength: 1,
          maxLength: 4,
        }),
        arbSeed,
        (m, n, plants, seed) => {
          const rows = randomRows(m, n, seed);
          for (const [i, j, v] of plants) rows[i % m]![j % n] = v;
          const first = plants
            .map(([i, j]) => [i % m, j % n] as const)
            .sort((p, q) => p[0] - q[0] || p[1] - q[1])[0]!;
          const call = (): void => assertFinite('demo', 'a', awkwardView(rows, n));
          expect(call).toThrow(NonFiniteError);
          expect(call).toThrow(`at (${first[0]}, ${first[1]})`);
        },
      ),
    );
  });

  test('accepts signed zeros and the largest finite values', () => {
    const rows = [
      [-0, 0, Number.MAX_VALUE],
      [-Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE],
    ];
    expect(() => assertFinite('demo', 'a', awkwardView(rows, 3))).not.toThrow();
  });
});

describe('assertSymmetric', () => {
  // NaN makes every comparison false, so without an explicit check it would pass as symmetric.
  test.each([NaN, Infinity, -Infinity])('reports a %p entry instead of accepting it', (bad) => {
    const a = fromRows([
      [1, bad],
      [bad, 1],
    ]);
    expect(() => assertSymmetric('demo', 'a', a)).toThrow(NonFiniteError);
    expect(() => assertSymmetric('demo', 'a', a)).toThrow(/^demo: argument 'a' must be finite/);
  });
});
