/**
 * `@bkfac/linalg/validate`: the checks `@bkfac/linalg` runs at its public
 * boundary, for libraries built on it that want the same typed errors
 * (`@bkfac/kfactors` and `@bkfac/nn` use them). Each takes the calling
 * function's and the argument's names, so its error names what the user
 * called. The error classes themselves are exported by `@bkfac/linalg`.
 *
 * ```ts
 * import { InvalidArgumentError } from '@bkfac/linalg';
 * import { assertInteger } from '@bkfac/linalg/validate';
 * ```
 * @packageDocumentation
 */
export {
  assertBoolean,
  assertFinite,
  assertFiniteVector,
  assertInteger,
  assertMatrix,
  assertNumber,
  assertShape,
  assertSquare,
  assertSymmetric,
} from './core/validate.js';
export { assertDisjoint } from './core/overlap.js';
export { assertOrthonormal } from './lowrank/orthogonality.js';
