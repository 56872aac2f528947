import type { Tier } from '@tp/tiers';
import type { UserSubscription } from './subscription-store';

/**
 * PREMIUM while a subscription is active or trialing. past_due keeps PREMIUM as a grace
 * period until the current billing period ends (Paddle is still retrying the payment);
 * paused and canceled are FREE.
 */
export function grantsPremium(subscription: UserSubscription, now: Date): boolean {
  if (subscription.status === 'active' || subscription.status === 'trialing') return true;
  if (subscription.status === 'past_due') return subscription.currentPeriodEnd !== null && subscription.currentPeriodEnd > now;
  return false;
}

/** The subscription to show: one that grants PREMIUM, else the most recently changed (rows come newest first). */
export function currentSubscription(rows: UserSubscription[], now: Date): UserSubscription | null {
  return rows.find((row) => grantsPremium(row, now)) ?? rows[0] ?? null;
}

/** The `premium-user` role or an entitling subscription: either makes the user PREMIUM. */
export function effectiveTier(tokenTier: Tier, subscription: UserSubscription | null, now: Date): Tier {
  return tokenTier === 'PREMIUM' || (subscription !== null && grantsPremium(subscription, now)) ? 'PREMIUM' : 'FREE';
}
