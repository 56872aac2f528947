import { PREMIUM_ROLE } from '@tp/auth';
import type { Tier } from '@tp/tiers';

/** One item of a stored Paddle subscription (a `subscription_items` row). */
export interface SubscriptionItemFacts {
  priceId: string;
  /** Paddle's item status: active | trialing | inactive. */
  status: string;
  quantity: number;
}

/** What the rule needs from a stored Paddle subscription (a `subscriptions` row and its items). */
export interface SubscriptionFacts {
  status: string;
  currentPeriodEnd: Date | null;
  scheduledChange: unknown;
  canceledAt: Date | null;
  lastEventAt: Date;
  items: readonly SubscriptionItemFacts[];
}

/** The Paddle price ids that buy PREMIUM (`PADDLE_PREMIUM_PRICE_IDS`); every other price buys nothing. */
export type PremiumPriceIds = readonly string[];

/**
 * Whether the subscription's own status entitles now: active or trialing; past_due keeps it as a
 * grace period until the current billing period ends (Paddle is still retrying the payment);
 * paused, canceled and anything unknown do not.
 */
export function statusQualifies(subscription: Pick<SubscriptionFacts, 'status' | 'currentPeriodEnd'>, now: Date): boolean {
  if (subscription.status === 'active' || subscription.status === 'trialing') return true;
  // Stryker disable next-line ConditionalExpression: `null > now` is false as well; the check is there for the type
  if (subscription.status === 'past_due') return subscription.currentPeriodEnd !== null && subscription.currentPeriodEnd > now;
  return false;
}

/**
 * The item that buys PREMIUM: a listed price on an item still billed (active or trialing, at least
 * one unit). A cheap add-on, a $0 price or a test product that is not listed buys nothing.
 */
export function premiumItem(items: readonly SubscriptionItemFacts[], premiumPriceIds: PremiumPriceIds): SubscriptionItemFacts | undefined {
  return items.find(
    (item) => premiumPriceIds.includes(item.priceId) && (item.status === 'active' || item.status === 'trialing') && item.quantity >= 1,
  );
}

/** The prices of a subscription none of whose items is listed (billing warns and counts them); empty otherwise. */
export function unmappedPrices(items: readonly SubscriptionItemFacts[], premiumPriceIds: PremiumPriceIds): string[] {
  if (items.some((item) => premiumPriceIds.includes(item.priceId))) return [];
  return [...new Set(items.map((item) => item.priceId))];
}

/** PREMIUM only while the status qualifies AND one of its items has a listed price. */
export function grantsPremium(subscription: SubscriptionFacts, now: Date, premiumPriceIds: PremiumPriceIds): boolean {
  return statusQualifies(subscription, now) && premiumItem(subscription.items, premiumPriceIds) !== undefined;
}

/** The subscription to show: one that grants PREMIUM, else the most recently changed (rows come newest first). */
export function currentSubscription(rows: readonly SubscriptionFacts[], now: Date, premiumPriceIds: PremiumPriceIds): SubscriptionFacts | null {
  return rows.find((row) => grantsPremium(row, now, premiumPriceIds)) ?? rows[0] ?? null;
}

/**
 * THE entitlement rule, the only place a tier is decided: PREMIUM with the `premium-user` role
 * (from the verified token) or any subscription that entitles the user now; FREE otherwise.
 * Time matters (past_due grace), so it is evaluated per decision, never stored as the truth.
 */
export function tierFor(roles: readonly string[], subscriptions: readonly SubscriptionFacts[], now: Date, premiumPriceIds: PremiumPriceIds): Tier {
  if (roles.includes(PREMIUM_ROLE)) return 'PREMIUM';
  return subscriptions.some((subscription) => grantsPremium(subscription, now, premiumPriceIds)) ? 'PREMIUM' : 'FREE';
}
