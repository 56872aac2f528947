import { startServer, createServiceApp, type RunningServer } from '@tp/http';
import { createLogger } from '@tp/logging';
import { createTestDatabase, type TestDatabase } from '@tp/testing';
import { FeatureFlagClient } from './feature-flag-client';
import { loadFlagDefinitions } from './load-flag-definitions';
import { requireFlag } from './require-flag';

describe('requireFlag', () => {
  let testDb: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    const logger = createLogger({ service: 'test', level: 'silent' });
    const flags = new FeatureFlagClient({
      load: () => loadFlagDefinitions(testDb.database.db),
      killSwitches: { ads: true, payments: false, 'premium-tools': true, registration: true },
      ttlMs: 5000,
    });
    const app = createServiceApp({
      logger,
      routes: (routes) => {
        routes.get('/pay', requireFlag(flags, 'payments', { message: 'Payments are currently disabled' }), (_req, res) => void res.json({ ok: true }));
        routes.get('/tools', requireFlag(flags, 'premium-tools'), (_req, res) => void res.json({ ok: true }));
      },
    });
    server = await startServer(app, { port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await server?.close();
    await testDb?.drop();
  });

  it('answers 503 with the given message while the flag is off', async () => {
    const response = await fetch(`${server.url}/pay`);

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'service_unavailable', message: 'Payments are currently disabled', requestId: expect.any(String) });
  });

  it('lets the request through while the flag is on', async () => {
    const response = await fetch(`${server.url}/tools`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});
