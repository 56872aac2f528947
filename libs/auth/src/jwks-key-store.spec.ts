import { randomUUID } from 'node:crypto';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { eventually, startTestIdentityProvider } from '@tp/testing';
import { JwksKeyStore, type JwksFetchOutcome, type UnknownKidAnswer } from './jwks-key-store';

const INTERVAL = 10_000;
const MAX_AGE = 60_000;
const STALE = 120_000;

describe('JwksKeyStore', () => {
  let idp: DevIdentityProvider;
  let now: number;
  let fetches: JwksFetchOutcome[];
  let unknownKids: UnknownKidAnswer[];

  const newStore = (jwksUri = idp.jwksUri) =>
    new JwksKeyStore({
      jwksUri,
      refreshIntervalMs: INTERVAL,
      maxAgeMs: MAX_AGE,
      staleIfErrorMs: STALE,
      timeoutMs: 2000,
      now: () => now,
      onJwksFetch: (outcome) => fetches.push(outcome),
      onUnknownKid: (answer) => unknownKids.push(answer),
    });
  const randomKids = (count: number) => Array.from({ length: count }, () => randomUUID());

  beforeEach(async () => {
    idp = await startTestIdentityProvider();
    now = 1_000_000;
    fetches = [];
    unknownKids = [];
  });

  afterEach(async () => {
    idp.setJwksAvailable(true);
    await idp.stop();
  });

  it('answers known keys from memory: one JWKS download for many lookups', async () => {
    const store = newStore();
    const kid = idp.signingKid;
    for (let i = 0; i < 20; i += 1) {
      expect((await store.get(kid)).status).toBe('found');
      now += 1000;
    }
    expect(idp.jwksRequests()).toBe(1);
    expect(fetches).toEqual(['success']);
  });

  it('shares one download between concurrent lookups of unknown kids, then answers them from memory', async () => {
    const store = newStore();
    await store.get(idp.signingKid);
    now += INTERVAL;

    const first = await Promise.all(randomKids(50).map((kid) => store.get(kid)));
    expect(first.every((lookup) => lookup.status === 'unknown')).toBe(true);
    expect(idp.jwksRequests()).toBe(2);

    now += INTERVAL - 1;
    const second = await Promise.all(randomKids(50).map((kid) => store.get(kid)));
    expect(second.every((lookup) => lookup.status === 'unknown')).toBe(true);
    expect(idp.jwksRequests()).toBe(2);
    // 50 plus the very first lookup, when the empty cache knew no kid at all.
    expect(unknownKids.filter((answer) => answer === 'refresh')).toHaveLength(51);
    expect(unknownKids.filter((answer) => answer === 'memory')).toHaveLength(50);

    now += 1;
    await store.get(randomUUID());
    expect(idp.jwksRequests()).toBe(3);
  });

  it('accepts a newly published key at the next allowed refresh while a flood of unknown kids goes on', async () => {
    const store = newStore();
    await store.get(idp.signingKid);
    const flood = () => Promise.all(randomKids(20).map((kid) => store.get(kid)));

    await flood();
    const { kid: rotated } = await idp.rotateKey();
    // The flood spent this interval's download: the new kid is unknown until the interval passes…
    await flood();
    expect(await store.get(rotated)).toEqual({ status: 'unknown' });

    // …and one interval later it is found, however many invented kids arrive in between.
    let found = false;
    for (let step = 0; step < 10 && !found; step += 1) {
      now += INTERVAL / 10;
      await flood();
      found = (await store.get(rotated)).status === 'found';
    }
    expect(found).toBe(true);
    // The initial load, the flood's download, and at most one per interval since.
    expect(idp.jwksRequests()).toBeLessThanOrEqual(3);
  });

  it('keeps verifying known keys past the max age while the JWKS is down, but no longer than the stale bound', async () => {
    const store = newStore();
    const kid = idp.signingKid;
    await store.get(kid);
    idp.setJwksAvailable(false);

    now += MAX_AGE + 1;
    expect((await store.get(kid)).status).toBe('found');
    await eventually(async () => fetches.includes('failure'));
    // Exactly at the stale bound the known key still counts; a millisecond later it does not.
    now += STALE - 1;
    expect((await store.get(kid)).status).toBe('found');
    expect(store.hasUsableKeys()).toBe(true);

    now += 1;
    expect(await store.get(kid)).toEqual({ status: 'unavailable' });
    expect(store.hasUsableKeys()).toBe(false);
  });

  it('answers unknown kids 503-style (unavailable) while the JWKS is down, from memory between attempts', async () => {
    const store = newStore();
    await store.get(idp.signingKid);
    idp.setJwksAvailable(false);
    now += INTERVAL;

    const lookups = await Promise.all(randomKids(30).map((kid) => store.get(kid)));
    expect(lookups.every((lookup) => lookup.status === 'unavailable')).toBe(true);
    expect(await store.get(randomUUID())).toEqual({ status: 'unavailable' });
    expect(fetches).toEqual(['success', 'failure']);
    expect(idp.jwksRequests()).toBe(2);
    // The known key still verifies.
    expect((await store.get(idp.signingKid)).status).toBe('found');
  });

  it('answers unavailable when the JWKS was never reachable', async () => {
    idp.setJwksAvailable(false);
    const store = newStore();
    expect(await store.get(idp.signingKid)).toEqual({ status: 'unavailable' });
  });

  it('stops finding a key removed from the JWKS once the key set is older than the max age', async () => {
    const store = newStore();
    const oldKid = idp.signingKid;
    await store.get(oldKid);
    await idp.rotateKey({ removeOld: true });

    now += MAX_AGE;
    expect((await store.get(oldKid)).status).toBe('found');
    // Past the max age the lookup still answers from memory and refreshes in the background.
    now += 1;
    await store.get(oldKid);
    await eventually(async () => (await store.get(oldKid)).status === 'unknown');
    expect(idp.jwksRequests()).toBe(2);
  });

  it('does not refresh a failing JWKS more than once per interval', async () => {
    idp.setJwksAvailable(false);
    const store = newStore();
    for (let i = 0; i < 10; i += 1) {
      await store.get(randomUUID());
      now += INTERVAL / 5;
    }
    // t = 0, 10 s: two attempts in the 18 s covered.
    expect(idp.jwksRequests()).toBe(2);
  });

  it('refreshes a known key set in the background once it is older than the max age, not at it', async () => {
    const store = newStore();
    const kid = idp.signingKid;
    await store.get(kid);
    now += MAX_AGE;
    // The interval allows a download, but the key set is not old yet.
    expect(store.known(kid)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fetches).toEqual(['success']);

    now += 1;
    expect(store.known(kid)).toBeDefined();
    await eventually(async () => fetches.length === 2);
    expect(idp.jwksRequests()).toBe(2);
  });

  it('keeps the KeyObject of a key that a new download publishes unchanged', async () => {
    const store = newStore();
    const kid = idp.signingKid;
    const before = store.known(kid) ?? (await store.get(kid));
    expect(before).toMatchObject({ status: 'found' });
    now += INTERVAL;
    await store.get(randomUUID());
    expect(idp.jwksRequests()).toBe(2);
    expect(store.known(kid)).toBe((before as { key: unknown }).key);
  });

  it("answers an unknown kid 'not ours' only while its key set is within the stale bound", async () => {
    // An interval longer than the bound: no download may answer the question, only memory.
    const store = new JwksKeyStore({ jwksUri: idp.jwksUri, refreshIntervalMs: 3_600_000, maxAgeMs: 1000, staleIfErrorMs: 1000, now: () => now });
    await store.get(idp.signingKid);
    now += 2000;
    expect(await store.get(randomUUID())).toEqual({ status: 'unknown' });
    now += 1;
    expect(await store.get(randomUUID())).toEqual({ status: 'unavailable' });
    expect(idp.jwksRequests()).toBe(1);
  });
});
