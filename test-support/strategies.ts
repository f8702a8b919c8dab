import type { StrategySpec } from '@bkfac/kfactors';

/**
 * A strategy the papers do not have, made of existing refresh kinds: Brand steps with
 * Rayleigh–Ritz corrections, REVD for the factors the LL rule keeps dense.
 */
export const BRAND_SRE: StrategySpec = {
  name: 'b-sre-kfac',
  label: 'B-SRE-KFAC',
  denseRefresh: 'revd',
  brand: true,
  overwrite: false,
  correction: true,
  defaultDamping: 'adaptive',
};
