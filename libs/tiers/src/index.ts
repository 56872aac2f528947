export { TIERS, TIER_LIMITS, UPGRADE_URL, limitsFor, type Tier, type TierLimits, type QueuePriority } from './tier-limits';
export { FORM_OVERHEAD_BYTES, PART_OVERHEAD_BYTES, largestUploadRequestBytes, maxUploadRequestBytes } from './upload-request-size';
