export { TIERS, TIER_LIMITS, UPGRADE_URL, limitsFor, type Tier, type TierLimits, type QueuePriority } from './tier-limits';
