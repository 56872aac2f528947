import type { LogCapture } from '@tp/testing';
import { signPaddlePayload } from '../src/webhooks/paddle-signature';
import { PREVIOUS_SECRET, TEST_SECRET, startBillingService, type BillingService } from './support/billing-service';
import { newIds, paddleEvent } from './support/paddle-fixtures';

describe('POST /api/v1/webhooks/paddle: signature verification', () => {
  let service: BillingService;
  let logs: LogCapture;

  beforeAll(async () => ({ logs } = service = await startBillingService()));
  afterAll(() => service?.stop());

  const storedCount = async (eventId: string) =>
    Number((await service.rows<{ n: string }>('SELECT count(*) AS n FROM webhook_events WHERE event_id = $1', [eventId]))[0]!.n);

  async function expectRejected(body: object | string, options: Parameters<BillingService['deliver']>[1]) {
    const reply = await service.deliver(body, options);
    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ error: 'unauthorized', message: 'Invalid webhook signature', requestId: expect.any(String) });
    return reply;
  }

  it('accepts a correctly signed event and stores it', async () => {
    const event = paddleEvent('subscription.activated', newIds());

    const reply = await service.deliver(event);

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ received: true, eventId: event.event_id });
    expect(await storedCount(event.event_id)).toBe(1);
  });

  it('returns 401, stores nothing and logs a warning without signature or body for a wrong secret', async () => {
    const event = paddleEvent('subscription.activated', newIds());
    const header = signPaddlePayload(JSON.stringify(event), 'pdl_ntfset_someone_else');

    await expectRejected(event, { signature: header });

    expect(await storedCount(event.event_id)).toBe(0);
    const warning = logs.lines().find((line) => line['msg'] === 'Rejected Paddle webhook' && line['reason'] === 'mismatch');
    expect(warning).toMatchObject({ level: 'warn' });
    expect(logs.raw()).not.toContain(header.split('h1=')[1]);
    expect(logs.raw()).not.toContain(event.event_id);
  });

  it('returns 401 when the Paddle-Signature header is missing', async () => {
    const event = paddleEvent('subscription.activated', newIds());
    await expectRejected(event, { signature: null });
    expect(await storedCount(event.event_id)).toBe(0);
  });

  it('returns 401 for a malformed header', async () => {
    const event = paddleEvent('subscription.activated', newIds());
    await expectRejected(event, { signature: 'ts=abc;h1=xyz' });
  });

  it('returns 401 when the body was changed after signing', async () => {
    const event = paddleEvent('subscription.activated', newIds());
    const raw = JSON.stringify(event);
    const header = signPaddlePayload(raw, TEST_SECRET);
    await expectRejected(raw.replace('"active"', '"paused"'), { signature: header });
    expect(await storedCount(event.event_id)).toBe(0);
  });

  it('returns 401 for a timestamp older than the 5 s tolerance', async () => {
    const event = paddleEvent('subscription.activated', newIds());
    await expectRejected(event, { signedAt: new Date(Date.now() - 10_000) });
    expect(await storedCount(event.event_id)).toBe(0);
  });

  it('returns 401 for a timestamp too far in the future', async () => {
    const event = paddleEvent('subscription.activated', newIds());
    await expectRejected(event, { signedAt: new Date(Date.now() + 60_000) });
  });

  it('accepts a header with two h1 values when one matches (secret rotation)', async () => {
    const event = paddleEvent('subscription.activated', newIds());

    const reply = await service.deliver(event, { secrets: ['pdl_ntfset_unknown', TEST_SECRET] });

    expect(reply.status).toBe(200);
    expect(await storedCount(event.event_id)).toBe(1);
  });

  it('accepts a signature made with PADDLE_WEBHOOK_SECRET_PREVIOUS', async () => {
    const event = paddleEvent('subscription.activated', newIds());

    const reply = await service.deliver(event, { secrets: [PREVIOUS_SECRET] });

    expect(reply.status).toBe(200);
  });

  it('returns 400 and stores nothing for malformed JSON with a valid signature', async () => {
    const reply = await service.deliver('{"event_id": "evt_broken", ');

    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: 'validation_failed', message: 'Webhook body is not valid JSON' });
    expect(await storedCount('evt_broken')).toBe(0);
  });

  it('returns 400 for signed JSON that is not a Paddle event envelope', async () => {
    const reply = await service.deliver({ event_id: 'evt_no_type', data: {} });

    expect(reply.status).toBe(400);
    expect(await storedCount('evt_no_type')).toBe(0);
  });
});

describe('POST /api/v1/webhooks/paddle with FEATURE_PAYMENTS_ENABLED=false', () => {
  let service: BillingService;

  beforeAll(async () => {
    service = await startBillingService({ env: { FEATURE_PAYMENTS_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('answers 503 so Paddle retries later, and stores nothing', async () => {
    const event = paddleEvent('subscription.activated', newIds());

    const reply = await service.deliver(event);

    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ error: 'service_unavailable', requestId: expect.any(String) });
    expect(await service.rows('SELECT 1 FROM webhook_events')).toEqual([]);
  });
});

describe('POST /api/v1/webhooks/paddle with the payments flag disabled in the database', () => {
  let service: BillingService;

  beforeAll(async () => {
    service = await startBillingService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('answers 503 while the flag is off and stores the event once it is back on', async () => {
    const event = paddleEvent('subscription.activated', newIds());
    await service.rows(`INSERT INTO feature_flags (key, enabled) VALUES ('payments', false)`);
    service.flags.invalidate();

    const refused = await service.deliver(event);
    expect(refused.status).toBe(503);
    expect(await service.rows('SELECT 1 FROM webhook_events')).toEqual([]);

    await service.rows(`UPDATE feature_flags SET enabled = true WHERE key = 'payments'`);
    service.flags.invalidate();
    const accepted = await service.deliver(event);
    expect(accepted.status).toBe(200);
    expect(await service.rows('SELECT event_id FROM webhook_events')).toEqual([{ event_id: event.event_id }]);
  });
});
