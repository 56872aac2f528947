import { PREMIUM_ROLE } from '@tp/auth';
import {
  currentSubscription,
  grantsPremium,
  premiumItem,
  statusQualifies,
  tierFor,
  unmappedPrices,
  type SubscriptionFacts,
  type SubscriptionItemFacts,
} from './entitlement-rule';

const PREMIUM_PRICE = 'pri_01premium000000000000000000';
const ADD_ON_PRICE = 'pri_01addon00000000000000000000';
const PRICES = [PREMIUM_PRICE];

const now = new Date('2024-05-15T12:00:00Z');
const item = (priceId: string, overrides: Partial<SubscriptionItemFacts> = {}): SubscriptionItemFacts => ({ priceId, status: 'active', quantity: 1, ...overrides });
const sub = (status: string, overrides: Partial<SubscriptionFacts> = {}): SubscriptionFacts => ({
  status,
  currentPeriodEnd: new Date('2024-06-01T00:00:00Z'),
  scheduledChange: null,
  canceledAt: null,
  lastEventAt: new Date('2024-05-01T00:00:00Z'),
  items: [item(PREMIUM_PRICE)],
  ...overrides,
});

describe('statusQualifies', () => {
  it.each(['active', 'trialing'])('qualifies %s', (status) => {
    expect(statusQualifies(sub(status), now)).toBe(true);
  });

  it.each(['paused', 'canceled', 'something_new'])('does not qualify %s', (status) => {
    expect(statusQualifies(sub(status), now)).toBe(false);
  });

  it('does not qualify past_due without a current period end', () => {
    expect(statusQualifies(sub('past_due', { currentPeriodEnd: null }), now)).toBe(false);
  });

  it('keeps past_due qualifying until the current period ends', () => {
    expect(statusQualifies(sub('past_due'), now)).toBe(true);
    expect(statusQualifies(sub('past_due', { currentPeriodEnd: new Date('2024-05-15T11:59:59Z') }), now)).toBe(false);
    expect(statusQualifies(sub('past_due', { currentPeriodEnd: now }), now)).toBe(false);
    expect(statusQualifies(sub('past_due', { currentPeriodEnd: null }), now)).toBe(false);
  });
});

describe('premiumItem', () => {
  it('finds the item whose price is listed', () => {
    expect(premiumItem([item(ADD_ON_PRICE), item(PREMIUM_PRICE)], PRICES)).toEqual(item(PREMIUM_PRICE));
  });

  it('finds none when no price is listed, or the list is empty', () => {
    expect(premiumItem([item(ADD_ON_PRICE)], PRICES)).toBeUndefined();
    expect(premiumItem([item(PREMIUM_PRICE)], [])).toBeUndefined();
    expect(premiumItem([], PRICES)).toBeUndefined();
  });

  it('ignores a listed item that is inactive or has no unit', () => {
    expect(premiumItem([item(PREMIUM_PRICE, { status: 'inactive' })], PRICES)).toBeUndefined();
    expect(premiumItem([item(PREMIUM_PRICE, { quantity: 0 })], PRICES)).toBeUndefined();
    expect(premiumItem([item(PREMIUM_PRICE, { status: 'trialing' })], PRICES)).toBeDefined();
  });
});

describe('unmappedPrices', () => {
  it('names every price of a subscription none of whose prices is listed', () => {
    expect(unmappedPrices([item(ADD_ON_PRICE), item('pri_01other00000000000000000000')], PRICES)).toEqual([ADD_ON_PRICE, 'pri_01other00000000000000000000']);
  });

  it('names nothing when a listed price is among them (an add-on beside PREMIUM is normal)', () => {
    expect(unmappedPrices([item(ADD_ON_PRICE), item(PREMIUM_PRICE)], PRICES)).toEqual([]);
    expect(unmappedPrices([], PRICES)).toEqual([]);
  });
});

describe('grantsPremium', () => {
  it('grants PREMIUM for a qualifying status with a listed price', () => {
    expect(grantsPremium(sub('active'), now, PRICES)).toBe(true);
    expect(grantsPremium(sub('trialing', { items: [item(ADD_ON_PRICE), item(PREMIUM_PRICE)] }), now, PRICES)).toBe(true);
  });

  it('grants nothing for an active subscription whose only price is not listed', () => {
    expect(grantsPremium(sub('active', { items: [item(ADD_ON_PRICE)] }), now, PRICES)).toBe(false);
    expect(grantsPremium(sub('active', { items: [] }), now, PRICES)).toBe(false);
  });

  it('grants nothing for a listed price while the status does not qualify', () => {
    expect(grantsPremium(sub('canceled'), now, PRICES)).toBe(false);
    expect(grantsPremium(sub('past_due', { currentPeriodEnd: now }), now, PRICES)).toBe(false);
  });
});

describe('currentSubscription', () => {
  it('prefers an entitling subscription over a newer canceled one', () => {
    const canceled = sub('canceled', { lastEventAt: new Date('2024-05-10T00:00:00Z') });
    const active = sub('active');
    expect(currentSubscription([canceled, active], now, PRICES)).toBe(active);
  });

  it('does not prefer an active subscription whose price is not listed', () => {
    const addOn = sub('active', { items: [item(ADD_ON_PRICE)] });
    const premium = sub('active');
    expect(currentSubscription([addOn, premium], now, PRICES)).toBe(premium);
  });

  it('falls back to the newest subscription, or null when there is none', () => {
    const canceled = sub('canceled');
    expect(currentSubscription([canceled], now, PRICES)).toBe(canceled);
    expect(currentSubscription([], now, PRICES)).toBeNull();
  });
});

describe('tierFor', () => {
  it('is PREMIUM for the premium-user role without any subscription', () => {
    expect(tierFor([PREMIUM_ROLE], [], now, PRICES)).toBe('PREMIUM');
    expect(tierFor(['offline_access', PREMIUM_ROLE], [sub('canceled')], now, [])).toBe('PREMIUM');
  });

  it('is PREMIUM for a paying user of a listed price without the role', () => {
    expect(tierFor([], [sub('active')], now, PRICES)).toBe('PREMIUM');
    expect(tierFor(['offline_access'], [sub('trialing')], now, PRICES)).toBe('PREMIUM');
    expect(tierFor([], [sub('canceled'), sub('past_due')], now, PRICES)).toBe('PREMIUM');
  });

  it('is FREE for an active or trialing subscription with no listed price (add-on, $0 price, test product)', () => {
    expect(tierFor([], [sub('active', { items: [item(ADD_ON_PRICE)] })], now, PRICES)).toBe('FREE');
    expect(tierFor([], [sub('trialing', { items: [item(ADD_ON_PRICE, { status: 'trialing' })] })], now, PRICES)).toBe('FREE');
    expect(tierFor([], [sub('active')], now, [])).toBe('FREE');
  });

  it('is FREE without the role and without an entitling subscription', () => {
    expect(tierFor([], [], now, PRICES)).toBe('FREE');
    expect(tierFor(['admin'], [sub('canceled'), sub('paused')], now, PRICES)).toBe('FREE');
  });

  it('turns FREE when the past_due grace ends', () => {
    const overdue = sub('past_due', { currentPeriodEnd: new Date('2024-05-15T12:00:01Z') });
    expect(tierFor([], [overdue], now, PRICES)).toBe('PREMIUM');
    expect(tierFor([], [overdue], new Date('2024-05-15T12:00:02Z'), PRICES)).toBe('FREE');
  });
});
