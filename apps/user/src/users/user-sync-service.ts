import type { Identity } from '@tp/auth';
import { withDatabase, type UserRow } from '@tp/db';
import { ServiceUnavailableError } from '@tp/errors';
import type { SubscriptionStore, UserSubscription } from './subscription-store';
import { currentSubscription, effectiveTier } from './subscription-tier';
import type { UserFields, UserStore } from './user-store';

/** The user as stored, plus the subscription that decides (or last decided) their tier. */
export type SyncedUser = UserRow & { subscription: UserSubscription | null };

function fieldsFrom(identity: Identity, subscription: UserSubscription | null, now: Date): UserFields {
  return { email: identity.email, username: identity.username, tier: effectiveTier(identity.tier, subscription, now) };
}

function differs(row: UserRow, fields: UserFields): boolean {
  return row.email !== fields.email || row.username !== fields.username || row.tier !== fields.tier;
}

/**
 * Lazy user sync: the first authenticated request creates the user, later ones cost two
 * indexed reads (user, subscriptions) and write only when email, username or the effective
 * tier (premium-user role OR an entitling Paddle subscription) changed.
 */
export class UserSyncService {
  constructor(
    private readonly store: UserStore,
    private readonly clock: () => Date,
    /** The `registration` flag for a first login; existing users never ask it. */
    private readonly registrationOpen: (identity: Identity) => Promise<boolean>,
    private readonly subscriptions: SubscriptionStore,
  ) {}

  sync(identity: Identity): Promise<SyncedUser> {
    return withDatabase(async () => {
      const existing = await this.store.findByKeycloakId(identity.userId);
      if (existing) return this.reconcile(existing, identity);
      if (!(await this.registrationOpen(identity))) throw new ServiceUnavailableError('Registration is currently disabled');
      const inserted = await this.store.insertIfAbsent(identity.userId, fieldsFrom(identity, null, this.clock()));
      // Subscriptions are keyed by users.id with no foreign key: one may predate this row.
      if (inserted) return this.reconcile(inserted, identity);
      // Lost a race with a concurrent first request: the row exists now.
      const winner = await this.store.findByKeycloakId(identity.userId);
      if (!winner) throw new Error('User row vanished during sync');
      return this.reconcile(winner, identity);
    });
  }

  /** Applies the effective tier (token role OR subscription) and writes only when something changed. */
  private async reconcile(row: UserRow, identity: Identity): Promise<SyncedUser> {
    const now = this.clock();
    const subscription = currentSubscription(await this.subscriptions.findForUser(row.id), now);
    const fields = fieldsFrom(identity, subscription, now);
    const user = differs(row, fields) ? ((await this.store.update(row.id, fields, now)) ?? row) : row;
    return { ...user, subscription };
  }
}
