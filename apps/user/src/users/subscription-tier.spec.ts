import type { UserSubscription } from './subscription-store';
import { currentSubscription, effectiveTier, grantsPremium } from './subscription-tier';

const now = new Date('2024-05-15T12:00:00Z');
const sub = (status: string, overrides: Partial<UserSubscription> = {}): UserSubscription => ({
  status,
  currentPeriodEnd: new Date('2024-06-01T00:00:00Z'),
  scheduledChange: null,
  canceledAt: null,
  lastEventAt: new Date('2024-05-01T00:00:00Z'),
  ...overrides,
});

describe('grantsPremium', () => {
  it.each(['active', 'trialing'])('grants PREMIUM for %s', (status) => {
    expect(grantsPremium(sub(status), now)).toBe(true);
  });

  it.each(['paused', 'canceled'])('does not grant PREMIUM for %s', (status) => {
    expect(grantsPremium(sub(status), now)).toBe(false);
  });

  it('keeps PREMIUM for past_due until the current period ends', () => {
    expect(grantsPremium(sub('past_due'), now)).toBe(true);
    expect(grantsPremium(sub('past_due', { currentPeriodEnd: new Date('2024-05-15T11:59:59Z') }), now)).toBe(false);
    expect(grantsPremium(sub('past_due', { currentPeriodEnd: null }), now)).toBe(false);
  });
});

describe('currentSubscription and effectiveTier', () => {
  it('prefers an entitling subscription over a newer canceled one', () => {
    const canceled = sub('canceled', { lastEventAt: new Date('2024-05-10T00:00:00Z') });
    const active = sub('active');
    expect(currentSubscription([canceled, active], now)).toBe(active);
  });

  it('falls back to the newest subscription, or null when there is none', () => {
    const canceled = sub('canceled');
    expect(currentSubscription([canceled], now)).toBe(canceled);
    expect(currentSubscription([], now)).toBeNull();
  });

  it('is PREMIUM for the premium-user role even without a subscription', () => {
    expect(effectiveTier('PREMIUM', null, now)).toBe('PREMIUM');
    expect(effectiveTier('FREE', null, now)).toBe('FREE');
    expect(effectiveTier('FREE', sub('active'), now)).toBe('PREMIUM');
    expect(effectiveTier('FREE', sub('canceled'), now)).toBe('FREE');
  });
});
