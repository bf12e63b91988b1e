/**
 * Objects Air Gap Recover itself writes into protected buckets live under this prefix: they are replicated like
 * any other write (that is their point) but are never workload, so restore and verify leave them out.
 */
export const AIRGAP_PREFIX = '.airgap/';

/** One small object per protected bucket, overwritten by every `airgap status`: its newest vault version proves a write time. */
export const CANARY_KEY = `${AIRGAP_PREFIX}canary`;
export const CANARY_WRITTEN_AT = 'airgap-canary-written-at';

export const isWorkloadKey = (key: string): boolean => !key.startsWith(AIRGAP_PREFIX);
