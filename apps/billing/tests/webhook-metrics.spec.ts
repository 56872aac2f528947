import { signPaddlePayload } from '../src/webhooks/paddle-signature';
import { startBillingService, type BillingService } from './support/billing-service';
import { newIds, paddleEvent } from './support/paddle-fixtures';

describe('webhook_events_total: each delivery counted where its outcome is decided', () => {
  let service: BillingService;

  beforeAll(async () => {
    service = await startBillingService();
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('counts an applied event by its type', async () => {
    const reply = await service.deliver(paddleEvent('subscription.activated', { ...newIds(), userId: await service.createUser() }));

    expect(reply.status).toBe(200);
    expect(await service.webhookCount({ type: 'subscription.activated', outcome: 'applied' })).toBe(1);
  });

  it('counts a bad signature as invalid_signature and a body that is not an event as invalid_payload', async () => {
    const event = paddleEvent('subscription.activated', newIds());
    const forged = await service.deliver(event, { signature: signPaddlePayload(JSON.stringify(event), 'pdl_ntfset_someone_else') });
    const broken = await service.deliver('{not json');

    expect([forged.status, broken.status]).toEqual([401, 400]);
    expect(await service.webhookCount({ type: 'unknown', outcome: 'invalid_signature' })).toBe(1);
    expect(await service.webhookCount({ type: 'unknown', outcome: 'invalid_payload' })).toBe(1);
  });

  it('counts a delivery refused by the payments flag in the database as payments_disabled', async () => {
    await service.rows(`INSERT INTO feature_flags (key, enabled) VALUES ('payments', false)`);
    service.flags.invalidate();

    const refused = await service.deliver(paddleEvent('subscription.activated', newIds()));

    expect(refused.status).toBe(503);
    expect(await service.webhookCount({ type: 'unknown', outcome: 'payments_disabled' })).toBe(1);
    await service.rows(`DELETE FROM feature_flags WHERE key = 'payments'`);
    service.flags.invalidate();
  });
});
