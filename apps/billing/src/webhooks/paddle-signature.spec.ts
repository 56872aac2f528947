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
