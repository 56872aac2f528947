import { PREMIUM_ROLE } from '@tp/auth';
import type { Tier } from '@tp/tiers';

/** What the rule needs from a stored Paddle subscription (a `subscriptions` row). */
export interface SubscriptionFacts {
  status: string;
  currentPeriodEnd: Date | null;
  scheduledChange: unknown;
  canceledAt: Date | null;
  lastEventAt: Date;
}

/**
 * PREMIUM while a subscription is active or trialing. past_due keeps PREMIUM as a grace
 * period until the current billing period ends (Paddle is still retrying the payment);
 * paused, canceled and anything unknown are FREE.
 */
export function grantsPremium(subscription: SubscriptionFacts, now: Date): boolean {
  if (subscription.status === 'active' || subscription.status === 'trialing') return true;
  if (subscription.status === 'past_due') return subscription.currentPeriodEnd !== null && subscription.currentPeriodEnd > now;
  return false;
}

/** The subscription to show: one that grants PREMIUM, else the most recently changed (rows come newest first). */
export function currentSubscription(rows: readonly SubscriptionFacts[], now: Date): SubscriptionFacts | null {
  return rows.find((row) => grantsPremium(row, now)) ?? rows[0] ?? null;
}

/**
 * THE entitlement rule, the only place a tier is decided: PREMIUM with the `premium-user` role
 * (from the verified token) or any subscription that entitles the user now; FREE otherwise.
 * Time matters (past_due grace), so it is evaluated per decision, never stored as the truth.
 */
export function tierFor(roles: readonly string[], subscriptions: readonly SubscriptionFacts[], now: Date): Tier {
  if (roles.includes(PREMIUM_ROLE)) return 'PREMIUM';
  return subscriptions.some((subscription) => grantsPremium(subscription, now)) ? 'PREMIUM' : 'FREE';
}
