import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Paddle } from '@paddle/paddle-node-sdk';
import { parseSignatureHeader, signPaddlePayload, verifyPaddleSignature } from './paddle-signature';

const SECRET = 'pdl_ntfset_unit_secret';
const FIXTURES = join(__dirname, '..', '..', 'tests', 'fixtures');
const verify = (raw: string, header: string | undefined, now = new Date()) =>
  verifyPaddleSignature(Buffer.from(raw), header, { secrets: [SECRET], toleranceSeconds: 5, now });

describe('verifyPaddleSignature', () => {
  it('accepts what signPaddlePayload signs and names each failure', () => {
    const raw = '{"event_id":"evt_1"}';
    const header = signPaddlePayload(raw, SECRET);
    expect(verify(raw, header)).toBeUndefined();
    expect(verify(raw, undefined)).toBe('missing');
    expect(verify(raw, 'h1=abc')).toBe('malformed');
    expect(verify(`${raw} `, header)).toBe('mismatch');
    expect(verify(raw, header, new Date(Date.now() + 6_000))).toBe('stale');
  });

  it('parses several h1 values and ignores ones that are not SHA-256 hex', () => {
    const good = 'a'.repeat(64);
    expect(parseSignatureHeader(`ts=1700000000;h1=${good};h1=zz;h1=${'B'.repeat(64)}`)).toEqual({
      ts: 1700000000,
      h1: [good, 'b'.repeat(64)],
    });
  });
});

describe('the Paddle-Signature rules', () => {
  const raw = '{"event_id":"evt_rules"}';
  const at = new Date('2026-03-01T12:00:00Z');
  const ts = Math.floor(at.getTime() / 1000);
  const h1 = (secret: string, body = raw, when = ts) => signPaddlePayload(body, secret, new Date(when * 1000)).split(';')[1]!;
  const check = (header: string, options: { secrets?: string[]; tolerance?: number; now?: Date } = {}) =>
    verifyPaddleSignature(Buffer.from(raw), header, { secrets: options.secrets ?? [SECRET], toleranceSeconds: options.tolerance ?? 5, now: options.now ?? at });

  it('signs ts=<unix seconds> and one h1 per secret, in order', () => {
    const header = signPaddlePayload(raw, ['first', 'second'], at);
    expect(header).toBe(`ts=${ts};${h1('first')};${h1('second')}`);
    expect(header).toMatch(/^ts=\d+;h1=[0-9a-f]{64};h1=[0-9a-f]{64}$/);
    expect(signPaddlePayload(Buffer.from(raw), 'first', at)).toBe(signPaddlePayload(raw, ['first'], at));
  });

  it('signs `ts:body`: the same body at another second has another h1', () => {
    expect(h1(SECRET, raw, ts)).not.toBe(h1(SECRET, raw, ts + 1));
    expect(h1(SECRET, raw)).not.toBe(h1(SECRET, `${raw} `));
  });

  it('accepts the current or the rotated-out secret, and any of several h1 values', () => {
    expect(check(`ts=${ts};${h1('old')}`, { secrets: ['new', 'old'] })).toBeUndefined();
    expect(check(`ts=${ts};${h1('other')};${h1(SECRET)}`)).toBeUndefined();
    expect(check(`ts=${ts};${h1('other')}`)).toBe('mismatch');
    expect(check(`ts=${ts};${h1(SECRET)}`, { secrets: [] })).toBe('mismatch');
  });

  it('accepts a signature up to the tolerance old and up to 5 s ahead, and no further', () => {
    const signedAt = (seconds: number) => `ts=${seconds};${h1(SECRET, raw, seconds)}`;
    expect(check(signedAt(ts - 300), { tolerance: 300 })).toBeUndefined();
    expect(check(signedAt(ts - 301), { tolerance: 300 })).toBe('stale');
    expect(check(signedAt(ts + 5))).toBeUndefined();
    expect(check(signedAt(ts + 6))).toBe('stale');
    // Whole seconds: 999 ms into the second is still that second.
    expect(check(signedAt(ts - 5), { now: new Date(at.getTime() + 999) })).toBeUndefined();
  });

  it('reads an uppercase h1 and spaces around keys and values', () => {
    const value = h1(SECRET).slice(3);
    expect(check(` ts = ${ts} ; h1 = ${value.toUpperCase()} `)).toBeUndefined();
  });

  it('is malformed without a ts, without an h1 or with only unusable values', () => {
    const value = h1(SECRET).slice(3);
    expect(check(`h1=${value}`)).toBe('malformed');
    expect(check(`ts=${ts}`)).toBe('malformed');
    expect(check(`ts=${ts};h1=${value.slice(1)}`)).toBe('malformed');
    expect(check(`ts=${ts};h1=${value}0`)).toBe('malformed');
    expect(check(`ts=${ts};h1=x${value}`)).toBe('malformed');
    expect(check('garbage')).toBe('malformed');
    expect(check('')).toBe('missing');
  });

  it('takes ts only as 1 to 12 digits', () => {
    const value = 'a'.repeat(64);
    expect(parseSignatureHeader(`ts=1;h1=${value}`)).toEqual({ ts: 1, h1: [value] });
    expect(parseSignatureHeader(`ts=123456789012;h1=${value}`)?.ts).toBe(123456789012);
    expect(parseSignatureHeader(`ts=1234567890123;h1=${value}`)).toBeUndefined();
    expect(parseSignatureHeader(`ts=-5;h1=${value}`)).toBeUndefined();
    expect(parseSignatureHeader(`ts=1e9;h1=${value}`)).toBeUndefined();
    expect(parseSignatureHeader(`ts=x1;h1=${value}`)).toBeUndefined();
    expect(parseSignatureHeader(`ts=1x;h1=${value}`)).toBeUndefined();
    expect(parseSignatureHeader(`ts=;h1=${value}`)).toBeUndefined();
  });

  it('ignores parts without `=` and unknown keys, and splits a part at its first `=`', () => {
    const value = 'c'.repeat(64);
    expect(parseSignatureHeader(`v1;foo=bar;ts=10;h1=${value}`)).toEqual({ ts: 10, h1: [value] });
    expect(parseSignatureHeader(`ts=10;h1==${value}`)).toBeUndefined();
    expect(parseSignatureHeader(`ts=10;xh1=${value}`)).toBeUndefined();
  });
});

// Cross-check with Paddle's own SDK: its verifier must accept our signatures, and its
// event classes must read our fixtures (so they follow the documented payload shapes).
describe('the Paddle Node SDK (@paddle/paddle-node-sdk)', () => {
  const paddle = new Paddle('pdl_sdbx_apikey_unit_test_only');

  it.each(readdirSync(FIXTURES).filter((file) => file.endsWith('.json')))('unmarshals %s signed by signPaddlePayload', async (file) => {
    const raw = readFileSync(join(FIXTURES, file), 'utf8');

    const event = await paddle.webhooks.unmarshal(raw, SECRET, signPaddlePayload(raw, SECRET));

    const body = JSON.parse(raw) as { event_id: string; event_type: string; data: { id: string } };
    expect(event).toMatchObject({ eventId: body.event_id, eventType: body.event_type, data: { id: body.data.id } });
    expect(verify(raw, signPaddlePayload(raw, SECRET))).toBeUndefined();
  });

  it('rejects, like our verifier, a body changed after signing', async () => {
    const raw = readFileSync(join(FIXTURES, 'subscription.activated.json'), 'utf8');
    const header = signPaddlePayload(raw, SECRET);
    const tampered = raw.replace('"active"', '"paused"');

    expect(await paddle.webhooks.isSignatureValid(tampered, SECRET, header)).toBe(false);
    expect(verify(tampered, header)).toBe('mismatch');
    expect(await paddle.webhooks.isSignatureValid(raw, SECRET, header)).toBe(true);
  });
});
