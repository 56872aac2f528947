import { loadTestConfig, startTcpProxy, type TcpProxy } from '@tp/testing';
import { startBillingService, type BillingService } from './support/billing-service';
import { newIds, paddleEvent } from './support/paddle-fixtures';

// Only this app's pool goes through the proxy: the test reads the database directly.
describe('POST /api/v1/webhooks/paddle while Postgres is unreachable', () => {
  let proxy: TcpProxy;
  let service: BillingService;

  beforeAll(async () => {
    const postgres = new URL(loadTestConfig().TEST_POSTGRES_URL);
    proxy = await startTcpProxy(postgres.hostname, Number(postgres.port || 5432));
    service = await startBillingService({ databaseUrl: (url) => proxy.via(url), env: { DATABASE_POOL_MAX: '5' } });
  });
  afterEach(() => proxy.setMode('up'));
  afterAll(async () => {
    await service?.stop();
    await proxy?.close();
  });

  it('answers 503 without acknowledging, then applies the redelivered event once Postgres is back', async () => {
    const ids = newIds();
    const userId = await service.createUser();
    const event = paddleEvent('subscription.activated', { ...ids, userId });
    proxy.setMode('reset');

    const during = await service.deliver(event);

    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ error: 'service_unavailable' });
    expect(await service.rows('SELECT 1 FROM webhook_events WHERE event_id = $1', [event.event_id])).toEqual([]);

    proxy.setMode('up');
    // Paddle's retry: same event, freshly signed.
    const retry = await service.deliver(event);

    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ outcome: 'applied' });
    expect(await service.rows('SELECT status, user_id FROM subscriptions WHERE paddle_subscription_id = $1', [ids.subscriptionId])).toEqual([
      { status: 'active', user_id: userId },
    ]);
  });

  it('answers 503 within the connection timeout when Postgres stops answering', async () => {
    proxy.setMode('blackhole');
    const started = Date.now();

    const reply = await service.deliver(paddleEvent('subscription.activated', newIds()));

    expect(reply.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
