import { desc, eq } from 'drizzle-orm';
import { subscriptionItems, subscriptions, users, type Db, type UserRow } from '@tp/db';
import type { Tier } from '@tp/tiers';
import type { SubscriptionFacts, SubscriptionItemFacts } from './entitlement-rule';

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

  /**
   * One indexed read: users by keycloak_id (unique) LEFT JOIN subscriptions by user_id (indexed)
   * LEFT JOIN their items by subscription (primary key); one row per item, folded here.
   */
  async findByKeycloakId(keycloakId: string): Promise<StoredAccount | undefined> {
    const rows = await this.db
      .select({
        user: users,
        subscription: {
          id: subscriptions.paddleSubscriptionId,
          status: subscriptions.status,
          currentPeriodEnd: subscriptions.currentPeriodEnd,
          scheduledChange: subscriptions.scheduledChange,
          canceledAt: subscriptions.canceledAt,
          lastEventAt: subscriptions.lastEventAt,
        },
        item: { priceId: subscriptionItems.priceId, status: subscriptionItems.status, quantity: subscriptionItems.quantity },
      })
      .from(users)
      .leftJoin(subscriptions, eq(subscriptions.userId, users.id))
      .leftJoin(subscriptionItems, eq(subscriptionItems.paddleSubscriptionId, subscriptions.paddleSubscriptionId))
      .where(eq(users.keycloakId, keycloakId))
      .orderBy(desc(subscriptions.lastEventAt), subscriptions.paddleSubscriptionId, subscriptionItems.priceId);
    const first = rows[0];
    if (!first) return undefined;
    // Insertion order keeps the newest-first order of the query.
    const found = new Map<string, SubscriptionFacts & { items: SubscriptionItemFacts[] }>();
    for (const { subscription, item } of rows) {
      if (!subscription) continue;
      const { id, ...facts } = subscription;
      const entry = found.get(id) ?? { ...facts, items: [] };
      found.set(id, entry);
      if (item) entry.items.push(item);
    }
    return { user: first.user, subscriptions: [...found.values()] };
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
