import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A real Paddle event body (the billing service's own sample) with fresh ids, and its Paddle-Signature. */
export function signedWebhook(secret: string): { body: string; signature: string } {
  const sample = join(__dirname, '../../../billing/tests/fixtures/subscription.created.json');
  const event = JSON.parse(readFileSync(sample, 'utf8')) as Record<string, unknown> & { data: Record<string, unknown> };
  event['event_id'] = `evt_edge${randomBytes(8).toString('hex')}`;
  event['notification_id'] = `ntf_edge${randomBytes(8).toString('hex')}`;
  event.data['id'] = `sub_edge${randomBytes(8).toString('hex')}`;
  const body = JSON.stringify(event);
  // Paddle Billing's scheme: HMAC-SHA256 of `ts:rawBody`.
  const ts = Math.floor(Date.now() / 1000);
  const h1 = createHmac('sha256', secret).update(`${ts}:`).update(body).digest('hex');
  return { body, signature: `ts=${ts};h1=${h1}` };
}
