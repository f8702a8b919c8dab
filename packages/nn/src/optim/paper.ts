/**
 * The hyper-parameters of the papers' MNIST scripts, at a
 * fixed rank, for {@link kfacOptimizer}.
 * @module
 */
import type { KFactorsConfig, StrategyName } from '@bkfac/kfactors';
import { assertInteger } from '@bkfac/linalg/validate';
import type { ScaledLearningRate } from './learning-rate.js';

/** The scripts' Brand period where it is not `T_updt`: B-KFAC, without overwrites, Brand-updates 5x less often. */
const PAPER_BRAND_PERIOD: Partial<Record<StrategyName, number>> = { 'b-kfac': 100 };

/**
 * K-factor settings of the MNIST scripts with a fixed rank `r`: ρ 0.95,
 * κ 0.07, o 10, p 3, `T_updt` 20, `T_inv` 100, post-truncation; B-KFAC
 * Brand-updates every 5·`T_updt` = 100 steps; B-R-KFAC and B-KFAC-c every
 * `T_updt` with an RSVD overwrite every 5·`T_inv` = 500; B-KFAC-c corrects
 * every 5·`T_brand` = 100 steps with φ = 0.2. Damping: the reference schedule.
 *
 * @param strategy - the algorithm
 * @param rank - fixed target rank (default 220)
 * @returns the configuration (without `strategy`)
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `rank` is not a positive integer
 * @example
 * ```ts
 * import { paperFactorConfig } from '@bkfac/nn';
 * console.log(paperFactorConfig('b-kfac', 64).periods?.brand); // 100
 * ```
 * @category Optimizers
 */
export function paperFactorConfig(
  strategy: StrategyName,
  rank = 220,
): Omit<KFactorsConfig, 'strategy'> {
  assertInteger('paperFactorConfig', 'rank', rank, 1);
  const brand = PAPER_BRAND_PERIOD[strategy] ?? 20;
  return {
    rank,
    decay: 0.95,
    clip: 0.07,
    oversample: 10,
    powerIterations: 3,
    truncation: 'post',
    periods: { update: 20, inverse: 100, brand, overwrite: 500, correction: 5 * brand },
    correctionFraction: 0.2,
  };
}

/**
 * The scripts' learning rate: `exp` schedule (lr0 0.3, R 9, P 80) auto-scaled to
 * the batch size, `lr = √s·0.3·(1 − (e/s)/80)^9` with `s = batchSize/256`.
 *
 * @param batchSize - mini-batch size
 * @returns the scaled schedule
 * @throws {@link @bkfac/linalg!InvalidArgumentError} if `batchSize` is not a positive integer
 * @example
 * ```ts
 * import { paperLearningRate } from '@bkfac/nn';
 * console.log(paperLearningRate(128).scaling.batchSize); // 128
 * ```
 * @category Optimizers
 */
export function paperLearningRate(batchSize: number): ScaledLearningRate {
  assertInteger('paperLearningRate', 'batchSize', batchSize, 1);
  return {
    schedule: { kind: 'exp', initial: 0.3, rate: 9, period: 80 },
    scaling: { workers: 1, batchSize },
  };
}
