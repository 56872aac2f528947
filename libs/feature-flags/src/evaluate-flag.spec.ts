import { evaluateAll, evaluateFlag, rolloutBucket } from './evaluate-flag';
import type { FlagDefinition, KillSwitches } from './flag-types';

const ALL_ON: KillSwitches = { ads: true, payments: true, 'premium-tools': true, registration: true };

function flag(overrides: Partial<FlagDefinition> = {}): FlagDefinition {
  return {
    key: 'new-editor',
    description: '',
    enabled: true,
    rolloutPercentage: 100,
    tiers: [],
    allowUserIds: [],
    denyUserIds: [],
    ...overrides,
  };
}

const userIds = (count: number) => Array.from({ length: count }, (_, i) => `user-${i}`);

describe('evaluateFlag precedence', () => {
  it('turns an env-backed flag off with DISABLED when its kill switch is false, whatever the DB flag says', () => {
    const killed = { ...ALL_ON, ads: false };
    const dbFlag = flag({ key: 'ads', allowUserIds: ['u1'] });

    expect(evaluateFlag('ads', dbFlag, killed, { userId: 'u1', tier: 'FREE' })).toEqual({ key: 'ads', enabled: false, reason: 'DISABLED' });
    expect(evaluateFlag('ads', undefined, killed, {})).toEqual({ key: 'ads', enabled: false, reason: 'DISABLED' });
  });

  it('turns an env-backed flag on with STATIC when the kill switch is true and there is no DB flag', () => {
    expect(evaluateFlag('payments', undefined, ALL_ON, {})).toEqual({ key: 'payments', enabled: true, reason: 'STATIC' });
  });

  it('lets the DB flag decide when the kill switch is true', () => {
    expect(evaluateFlag('ads', flag({ key: 'ads', enabled: false }), ALL_ON, { userId: 'u1' })).toEqual({
      key: 'ads',
      enabled: false,
      reason: 'DISABLED',
    });
  });

  it('returns undefined for a key that is neither env-backed nor in the database', () => {
    expect(evaluateFlag('nope', undefined, ALL_ON, { userId: 'u1' })).toBeUndefined();
  });

  it('turns a disabled DB flag off with DISABLED even for an allow-listed user', () => {
    expect(evaluateFlag('new-editor', flag({ enabled: false, allowUserIds: ['u1'] }), ALL_ON, { userId: 'u1' })).toEqual({
      key: 'new-editor',
      enabled: false,
      reason: 'DISABLED',
    });
  });

  it('applies deny before allow when a user is on both lists', () => {
    const both = flag({ allowUserIds: ['u1'], denyUserIds: ['u1'] });
    expect(evaluateFlag('new-editor', both, ALL_ON, { userId: 'u1', tier: 'PREMIUM' })).toMatchObject({ enabled: false, reason: 'TARGETING_MATCH' });
  });

  it('lets the allow list win over tier targeting and a 0 % rollout', () => {
    const narrow = flag({ tiers: ['PREMIUM'], rolloutPercentage: 0, allowUserIds: ['u1'] });
    expect(evaluateFlag('new-editor', narrow, ALL_ON, { userId: 'u1', tier: 'FREE' })).toMatchObject({ enabled: true, reason: 'TARGETING_MATCH' });
  });

  it('turns a tier-targeted flag on for a listed tier and off with DEFAULT for others and for anonymous callers', () => {
    const premiumOnly = flag({ tiers: ['PREMIUM'] });
    expect(evaluateFlag('new-editor', premiumOnly, ALL_ON, { userId: 'p', tier: 'PREMIUM' })).toMatchObject({ enabled: true, reason: 'TARGETING_MATCH' });
    expect(evaluateFlag('new-editor', premiumOnly, ALL_ON, { userId: 'f', tier: 'FREE' })).toMatchObject({ enabled: false, reason: 'DEFAULT' });
    expect(evaluateFlag('new-editor', premiumOnly, ALL_ON, { anonymousId: 'anon-123456' })).toMatchObject({ enabled: false, reason: 'DEFAULT' });
  });

  it('checks tier targeting before the rollout percentage', () => {
    const premiumHalf = flag({ tiers: ['PREMIUM'], rolloutPercentage: 50 });
    const results = userIds(200).map((userId) => evaluateFlag('new-editor', premiumHalf, ALL_ON, { userId, tier: 'FREE' }));
    expect(results.every((result) => result?.enabled === false && result.reason === 'DEFAULT')).toBe(true);
  });

  it('splits a percentage flag by user with reason SPLIT', () => {
    const half = flag({ rolloutPercentage: 50 });
    const results = userIds(100).map((userId) => evaluateFlag('new-editor', half, ALL_ON, { userId, tier: 'FREE' }));
    expect(new Set(results.map((result) => result?.reason))).toEqual(new Set(['SPLIT']));
    expect(results.some((result) => result?.enabled)).toBe(true);
    expect(results.some((result) => !result?.enabled)).toBe(true);
  });

  it('buckets an anonymous caller by anonymousId, and turns a percentage flag off with DEFAULT without one', () => {
    const all = flag({ rolloutPercentage: 99 });
    const anonymous = userIds(50).map((anonymousId) => evaluateFlag('new-editor', all, ALL_ON, { anonymousId }));
    expect(anonymous.filter((result) => result?.enabled).length).toBeGreaterThan(40);
    expect(anonymous.every((result) => result?.reason === 'SPLIT')).toBe(true);
    expect(evaluateFlag('new-editor', all, ALL_ON, {})).toEqual({ key: 'new-editor', enabled: false, reason: 'DEFAULT' });
  });

  it('gives the same answer to an anonymous id and a user id with the same value (one bucket function)', () => {
    const third = flag({ rolloutPercentage: 33 });
    for (const id of userIds(100)) {
      expect(evaluateFlag('new-editor', third, ALL_ON, { anonymousId: id })?.enabled).toBe(
        evaluateFlag('new-editor', third, ALL_ON, { userId: id })?.enabled,
      );
    }
  });

  it('defaults an enabled 100 % flag without tiers to on, STATIC', () => {
    expect(evaluateFlag('new-editor', flag(), ALL_ON, {})).toEqual({ key: 'new-editor', enabled: true, reason: 'STATIC' });
  });

  it('keeps 0 % off and 100 % on for every user', () => {
    for (const userId of userIds(500)) {
      expect(evaluateFlag('new-editor', flag({ rolloutPercentage: 0 }), ALL_ON, { userId })?.enabled).toBe(false);
      expect(evaluateFlag('new-editor', flag({ rolloutPercentage: 100 }), ALL_ON, { userId })?.enabled).toBe(true);
    }
  });
});

describe('percentage rollout', () => {
  it('keeps every user who had the flag at 10 % when it is raised to 50 %', () => {
    const users = userIds(10_000);
    const at = (rolloutPercentage: number) =>
      new Set(users.filter((userId) => evaluateFlag('new-editor', flag({ rolloutPercentage }), ALL_ON, { userId })?.enabled));
    const ten = at(10);
    const fifty = at(50);

    expect(ten.size).toBeGreaterThan(0);
    for (const userId of ten) expect(fifty.has(userId)).toBe(true);
    expect(fifty.size).toBeGreaterThan(ten.size);
  });

  it.each([25, 10, 50, 75])('turns a %d %% flag on for that share of 10,000 users within ±2 %%', (percentage) => {
    const on = userIds(10_000).filter(
      (userId) => evaluateFlag('new-editor', flag({ rolloutPercentage: percentage }), ALL_ON, { userId })?.enabled,
    ).length;
    expect(Math.abs(on / 100 - percentage)).toBeLessThanOrEqual(2);
  });

  it('buckets the same user differently for different flags (the key is part of the hash)', () => {
    const differing = userIds(1000).filter((userId) => rolloutBucket('flag-a', userId) !== rolloutBucket('flag-b', userId));
    expect(differing.length).toBeGreaterThan(900);
  });

  it('gives a user the same bucket on every call', () => {
    expect(rolloutBucket('new-editor', 'user-42')).toBe(rolloutBucket('new-editor', 'user-42'));
    expect(rolloutBucket('new-editor', 'user-42')).toBeGreaterThanOrEqual(0);
    expect(rolloutBucket('new-editor', 'user-42')).toBeLessThan(10_000);
  });
});

describe('evaluateAll', () => {
  it('evaluates the env-backed keys and every DB flag, sorted by key', () => {
    const flags = new Map([['beta-ui', flag({ key: 'beta-ui', tiers: ['PREMIUM'] })]]);
    const results = evaluateAll(flags, { ads: false, payments: true, 'premium-tools': true, registration: true }, {
      userId: 'u1',
      tier: 'FREE',
    });
    expect(results).toEqual([
      { key: 'ads', enabled: false, reason: 'DISABLED' },
      { key: 'beta-ui', enabled: false, reason: 'DEFAULT' },
      { key: 'payments', enabled: true, reason: 'STATIC' },
      { key: 'premium-tools', enabled: true, reason: 'STATIC' },
      { key: 'registration', enabled: true, reason: 'STATIC' },
    ]);
  });
});
