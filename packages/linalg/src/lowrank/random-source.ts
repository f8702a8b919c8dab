/**
 * The seed-or-generator option of every randomized routine.
 * @module
 */
import { InvalidArgumentError } from '../core/errors.js';
import { typeName } from '../core/matrix.js';
import { createRng } from '../random/rng.js';
import type { Rng } from '../random/rng.js';

/**
 * Where a randomized routine draws its random numbers: give `seed` for a
 * reproducible call, or `rng` to continue an existing stream; without either
 * the seed `0` is used, so every call is reproducible.
 *
 * @example
 * ```ts
 * import { createRng, rangeFinder, eye, type RandomSource } from '@bkfac/linalg';
 * const source: RandomSource = { rng: createRng(5) };
 * console.log(rangeFinder(eye(4), 2, source).shape); // [4, 2]
 * ```
 * @category Low-rank and online decompositions
 */
export interface RandomSource {
  /** Seed of a fresh generator (a safe integer). Mutually exclusive with `rng`. */
  seed?: number;
  /** Generator to draw from (advanced by the call). Mutually exclusive with `seed`. */
  rng?: Rng;
}

/**
 * The generator selected by a {@link RandomSource}, validated.
 * @internal
 */
export function resolveRng(fn: string, source: RandomSource): Rng {
  const { seed, rng } = source;
  if (seed !== undefined && rng !== undefined) {
    throw new InvalidArgumentError(fn, 'options', 'either seed or rng, not both', 'both');
  }
  if (rng !== undefined) {
    if (typeof rng !== 'object' || rng === null || typeof rng.normal !== 'function') {
      throw new InvalidArgumentError(fn, 'options.rng', 'an Rng from createRng', typeName(rng));
    }
    return rng;
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(fn, 'options.seed', 'a safe integer', seed);
  }
  return createRng(seed ?? 0);
}
