export {
  grantsPremium,
  currentSubscription,
  premiumItem,
  statusQualifies,
  tierFor,
  unmappedPrices,
  type PremiumPriceIds,
  type SubscriptionFacts,
  type SubscriptionItemFacts,
} from './entitlement-rule';
export { AccountStore, type StoredAccount, type UserFields } from './account-store';
export { AccountCache, ALL_ACCOUNTS, type AccountCacheOptions } from './account-cache';
export { UserAccounts, type Account, type RegistrationFlag } from './user-accounts';
export { createUserAccounts, type UserAccountsDeps } from './create-user-accounts';
export { DEV_PREMIUM_PRICE_ID, entitlementConfig, entitlementEnv, entitlementSettings, type EntitlementSettings } from './entitlement-env';
export {
  connectEntitlementCache,
  createEntitlementPublisher,
  publishEntitlementChange,
  startEntitlementCache,
  type AccountCacheSource,
  type EntitlementParts,
} from './entitlement-redis';
