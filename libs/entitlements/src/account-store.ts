import { desc, eq } from 'drizzle-orm';
import { subscriptions, users, type Db, type UserRow } from '@tp/db';
import type { Tier } from '@tp/tiers';
import type { SubscriptionFacts } from './entitlement-rule';

/** A users row with every Paddle subscription stored for it, newest first. */
export interface StoredAccount {
  user: UserRow;
  subscriptions: SubscriptionFacts[];
}

export interface UserFields {
  email: string | null;
  username: string | null;
  tier: Tier;
}

/**
 * Data access for accounts (users + subscriptions); nothing here knows about HTTP. Subscription
 * rows carry our users.id with no foreign key (billing may store one before the user's row
 * exists), so a row stored earlier is found as soon as the user is.
 */
export class AccountStore {
  constructor(private readonly db: Db) {}

  /** One indexed read: users by keycloak_id (unique) LEFT JOIN subscriptions by user_id (indexed). */
  async findByKeycloakId(keycloakId: string): Promise<StoredAccount | undefined> {
    const rows = await this.db
      .select({
        user: users,
        subscription: {
          status: subscriptions.status,
          currentPeriodEnd: subscriptions.currentPeriodEnd,
          scheduledChange: subscriptions.scheduledChange,
          canceledAt: subscriptions.canceledAt,
          lastEventAt: subscriptions.lastEventAt,
        },
      })
      .from(users)
      .leftJoin(subscriptions, eq(subscriptions.userId, users.id))
      .where(eq(users.keycloakId, keycloakId))
      .orderBy(desc(subscriptions.lastEventAt));
    const first = rows[0];
    if (!first) return undefined;
    const found = rows.flatMap((row) => (row.subscription ? [row.subscription as SubscriptionFacts] : []));
    return { user: first.user, subscriptions: found };
  }

  /** Inserts unless a concurrent request (here or in another service) already did; never fails on the unique key. */
  async insertIfAbsent(keycloakId: string, fields: UserFields): Promise<void> {
    await this.db
      .insert(users)
      .values({ keycloakId, ...fields })
      .onConflictDoNothing({ target: users.keycloakId });
  }

  async update(id: string, fields: UserFields, now: Date): Promise<UserRow | undefined> {
    const rows = await this.db
      .update(users)
      .set({ ...fields, updatedAt: now })
      .where(eq(users.id, id))
      .returning();
    return rows[0];
  }
}
