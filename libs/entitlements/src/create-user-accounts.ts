import type { Db } from '@tp/db';
import { AccountCache } from './account-cache';
import { AccountStore } from './account-store';
import type { EntitlementSettings } from './entitlement-env';
import { UserAccounts, type RegistrationFlag } from './user-accounts';

export interface UserAccountsDeps {
  db: Db;
  /** `config.entitlements`: the cache TTL and the prices that buy PREMIUM. */
  settings: EntitlementSettings;
  /** The registration kill switch (the service's feature flag client). */
  flags: RegistrationFlag;
  clock: () => Date;
  /** Accounts cached until billing announces a change; without it a TTL-only cache. */
  cache?: AccountCache;
}

/** The one way a service reads and creates accounts (user, flags and upload agree on every tier). */
export function createUserAccounts(deps: UserAccountsDeps): UserAccounts {
  const cache = deps.cache ?? new AccountCache({ ttlMs: deps.settings.cacheTtlMs });
  return new UserAccounts(new AccountStore(deps.db), cache, deps.clock, deps.flags, deps.settings.premiumPriceIds);
}
