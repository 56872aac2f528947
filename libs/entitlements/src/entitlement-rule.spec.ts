import { PREMIUM_ROLE } from '@tp/auth';
import { currentSubscription, grantsPremium, tierFor, type SubscriptionFacts } from './entitlement-rule';

const now = new Date('2024-05-15T12:00:00Z');
const sub = (status: string, overrides: Partial<SubscriptionFacts> = {}): SubscriptionFacts => ({
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

  it.each(['paused', 'canceled', 'something_new'])('does not grant PREMIUM for %s', (status) => {
    expect(grantsPremium(sub(status), now)).toBe(false);
  });

  it('keeps PREMIUM for past_due until the current period ends', () => {
    expect(grantsPremium(sub('past_due'), now)).toBe(true);
    expect(grantsPremium(sub('past_due', { currentPeriodEnd: new Date('2024-05-15T11:59:59Z') }), now)).toBe(false);
    expect(grantsPremium(sub('past_due', { currentPeriodEnd: now }), now)).toBe(false);
    expect(grantsPremium(sub('past_due', { currentPeriodEnd: null }), now)).toBe(false);
  });
});

describe('currentSubscription', () => {
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
});

describe('tierFor', () => {
  it('is PREMIUM for the premium-user role without any subscription', () => {
    expect(tierFor([PREMIUM_ROLE], [], now)).toBe('PREMIUM');
    expect(tierFor(['offline_access', PREMIUM_ROLE], [sub('canceled')], now)).toBe('PREMIUM');
  });

  it('is PREMIUM for a paying user without the role', () => {
    expect(tierFor([], [sub('active')], now)).toBe('PREMIUM');
    expect(tierFor(['offline_access'], [sub('trialing')], now)).toBe('PREMIUM');
    expect(tierFor([], [sub('canceled'), sub('past_due')], now)).toBe('PREMIUM');
  });

  it('is FREE without the role and without an entitling subscription', () => {
    expect(tierFor([], [], now)).toBe('FREE');
    expect(tierFor(['admin'], [sub('canceled'), sub('paused')], now)).toBe('FREE');
  });

  it('turns FREE when the past_due grace ends', () => {
    const overdue = sub('past_due', { currentPeriodEnd: new Date('2024-05-15T12:00:01Z') });
    expect(tierFor([], [overdue], now)).toBe('PREMIUM');
    expect(tierFor([], [overdue], new Date('2024-05-15T12:00:02Z'))).toBe('FREE');
  });
});
