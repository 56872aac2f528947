import { desc, eq } from 'drizzle-orm';
import { subscriptions, type Db } from '@tp/db';

export interface UserSubscription {
  status: string;
  currentPeriodEnd: Date | null;
  scheduledChange: unknown;
  canceledAt: Date | null;
  lastEventAt: Date;
}

/**
 * Reads the Paddle subscriptions the billing service stored for a user. Rows carry our
 * users.id with no foreign key, so ones stored before the user's row existed are found too.
 */
export class SubscriptionStore {
  constructor(private readonly db: Db) {}

  findForUser(userId: string): Promise<UserSubscription[]> {
    return this.db
      .select({
        status: subscriptions.status,
        currentPeriodEnd: subscriptions.currentPeriodEnd,
        scheduledChange: subscriptions.scheduledChange,
        canceledAt: subscriptions.canceledAt,
        lastEventAt: subscriptions.lastEventAt,
      })
      .from(subscriptions)
      .where(eq(subscriptions.userId, userId))
      .orderBy(desc(subscriptions.lastEventAt));
  }
}
