import type { Identity } from '@tp/auth';
import { withDatabase, type UserRow } from '@tp/db';
import { ServiceUnavailableError } from '@tp/errors';
import type { Tier } from '@tp/tiers';
import type { AccountCache } from './account-cache';
import type { AccountStore, StoredAccount, UserFields } from './account-store';
import { currentSubscription, tierFor, type PremiumPriceIds, type SubscriptionFacts } from './entitlement-rule';

/** A user as every service sees them: the stored row, the tier the rule gives now, and the subscription behind it. */
export interface Account {
  user: UserRow;
  tier: Tier;
  subscription: SubscriptionFacts | null;
}

/** The flag evaluation this needs (FeatureFlagClient satisfies it); structural, so flags may use entitlements later. */
export interface RegistrationFlag {
  isEnabled: (key: 'registration', context: { userId: string; tier: Tier }) => Promise<boolean>;
}

function fieldsFrom(identity: Identity, tier: Tier): UserFields {
  return { email: identity.email, username: identity.username, tier };
}

function differs(row: UserRow, fields: UserFields): boolean {
  return row.email !== fields.email || row.username !== fields.username || row.tier !== fields.tier;
}

/**
 * The one way users come into existence, and the one place their tier is applied. Every service
 * that acts for a signed-in user calls it (user: profile and limits; upload: limits, batches,
 * queue priority), so a first request anywhere creates the user under the same rules: the
 * `registration` flag for a new account, email/username from the token, `users.tier` from the
 * entitlement rule. Reads come from the AccountCache (no read while nothing changed) or one
 * indexed query; a write happens only when a stored field differs.
 */
export class UserAccounts {
  constructor(
    private readonly store: AccountStore,
    private readonly cache: AccountCache,
    private readonly clock: () => Date,
    private readonly registration: RegistrationFlag,
    /** `config.entitlements.premiumPriceIds`: the prices whose subscriptions grant PREMIUM. */
    private readonly premiumPriceIds: PremiumPriceIds,
  ) {}

  /** The caller's account, created on first sight (503 `Registration is currently disabled` when closed). */
  sync(identity: Identity): Promise<Account> {
    return withDatabase(async () => {
      const existing = await this.lookup(identity);
      if (existing) return this.reconcile(existing, identity);
      const tier = tierFor(identity.roles, [], this.clock(), this.premiumPriceIds);
      if (!(await this.registration.isEnabled('registration', { userId: identity.userId, tier }))) {
        throw new ServiceUnavailableError('Registration is currently disabled');
      }
      // A concurrent first request (here or in another service) may insert first: then this is a no-op.
      await this.store.insertIfAbsent(identity.userId, fieldsFrom(identity, tier));
      // Read back with subscriptions: billing may have stored one for this users.id already.
      const created = await this.store.findByKeycloakId(identity.userId);
      if (!created) throw new Error('User row vanished during sync');
      return this.reconcile(created, identity);
    });
  }

  /** The caller's account if it exists; never creates one (e.g. reading an upload's status). */
  find(identity: Identity): Promise<Account | undefined> {
    return withDatabase(async () => {
      const stored = await this.lookup(identity);
      return stored && this.decide(stored, identity);
    });
  }

  /**
   * The caller's tier without creating an account (flag targeting): an unknown user can only be
   * PREMIUM by role, since subscriptions are keyed by a users.id they do not have yet.
   */
  async tierOf(identity: Identity): Promise<Tier> {
    return (await this.find(identity))?.tier ?? tierFor(identity.roles, [], this.clock(), this.premiumPriceIds);
  }

  private lookup(identity: Identity): Promise<StoredAccount | undefined> {
    return this.cache.get(identity.userId, () => this.store.findByKeycloakId(identity.userId));
  }

  private decide(stored: StoredAccount, identity: Identity): Account {
    const now = this.clock();
    return {
      user: stored.user,
      tier: tierFor(identity.roles, stored.subscriptions, now, this.premiumPriceIds),
      subscription: currentSubscription(stored.subscriptions, now, this.premiumPriceIds),
    };
  }

  /** Keeps users.tier (read by reports and other tools) and the token's email/username current. */
  private async reconcile(stored: StoredAccount, identity: Identity): Promise<Account> {
    const account = this.decide(stored, identity);
    const fields = fieldsFrom(identity, account.tier);
    if (!differs(stored.user, fields)) return account;
    const updated = await this.store.update(stored.user.id, fields, this.clock());
    this.cache.forget(identity.userId);
    return { ...account, user: updated ?? stored.user };
  }
}
