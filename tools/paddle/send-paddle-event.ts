// Sends a signed sample Paddle event (from apps/billing/tests/fixtures) to a running stack.
// Usage: npm run paddle:send -- <event-type> --user <users.id> [--subscription sub_…] [--customer ctm_…] [--price pri_… …] [--url http://localhost:4000]
// The samples carry pri_01gsz8x8sawmvhz1pv30nge1ke, the PADDLE_PREMIUM_PRICE_IDS development default;
// --price (repeatable) gives a subscription event those items instead (an unlisted price grants nothing).
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { processEnv } from '@tp/config';
import { signPaddlePayload } from '../../apps/billing/src/webhooks/paddle-signature';
import { DEV_WEBHOOK_SECRET } from '../../apps/billing/src/config';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    user: { type: 'string' },
    subscription: { type: 'string', default: 'sub_01hv8x29kz0t586xy6zn1a62ny' },
    customer: { type: 'string', default: 'ctm_01hv6y1jedq4p1n0yqn5ba3ky4' },
    price: { type: 'string', multiple: true },
    url: { type: 'string', default: 'http://localhost:4000' },
  },
});
const eventType = positionals[0];
if (!eventType) {
  process.stderr.write('usage: npm run paddle:send -- <event-type, e.g. subscription.activated> --user <id from GET /api/v1/user/profile>\n');
  process.exit(1);
}

const fixtures = join(__dirname, '../../apps/billing/tests/fixtures');
const known = readdirSync(fixtures).map((file) => file.replace(/\.json$/, ''));
if (!known.includes(eventType)) {
  process.stderr.write(`no sample for ${eventType}; one of: ${known.join(', ')}\n`);
  process.exit(1);
}
const body = JSON.parse(readFileSync(join(fixtures, `${eventType}.json`), 'utf8'));
body.event_id = `evt_cli${randomBytes(10).toString('hex')}`;
body.occurred_at = new Date().toISOString();
body.data.custom_data = values.user ? { userId: values.user } : null;
body.data[eventType.startsWith('subscription.') ? 'id' : 'subscription_id'] = values.subscription;
body.data.customer_id = values.customer;
if (values.price?.length && eventType.startsWith('subscription.')) {
  const [template] = body.data.items;
  body.data.items = values.price.map((id) => ({ ...template, price: { ...template.price, id } }));
}

const raw = JSON.stringify(body);
const secret = processEnv()['PADDLE_WEBHOOK_SECRET'] || DEV_WEBHOOK_SECRET;
fetch(`${values.url}/api/v1/webhooks/paddle`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'paddle-signature': signPaddlePayload(raw, secret) },
  body: raw,
}).then(
  async (response) => {
    process.stdout.write(`${response.status} ${await response.text()}\n`);
    process.exit(response.ok ? 0 : 1);
  },
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  },
);
