import { Client } from 'pg';
import { loadTestConfig, startTcpProxy, type TcpProxy, DEV_PASSWORD } from '@tp/testing';
import { startUserService, type UserService } from './support/user-service';

const PROFILE = '/api/v1/user/profile';
const CONNECT_TIMEOUT_MS = 2000;

async function asAdmin(sql: string): Promise<void> {
  const client = new Client({ connectionString: loadTestConfig().TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// The shared Postgres server keeps running for every other test file: the outage is a TCP
// proxy between this app's pool and Postgres that drops or swallows connections on demand.
describe('when Postgres becomes unreachable', () => {
  let proxy: TcpProxy;
  let service: UserService;
  let token: string;
  let userId: string;

  beforeAll(async () => {
    const postgres = new URL(loadTestConfig().TEST_POSTGRES_URL);
    proxy = await startTcpProxy(postgres.hostname, Number(postgres.port || 5432));
    service = await startUserService({ databaseUrl: (url) => proxy.via(url), env: { DATABASE_POOL_MAX: '5' } });
    token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);
    const response = await service.get(PROFILE, { token });
    expect(response.status).toBe(200);
    userId = ((await response.json()) as { id: string }).id;
  });

  afterEach(() => proxy.setMode('up'));

  afterAll(async () => {
    await service?.stop();
    await proxy?.close();
  });

  it('answers 503 service_unavailable with the request id while connections are refused', async () => {
    proxy.setMode('reset');

    const response = await service.get(PROFILE, { token, headers: { 'x-request-id': 'test-req-000123' } });

    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(response.headers.get('x-request-id')).toBe('test-req-000123');
    expect(await response.json()).toEqual({
      error: 'service_unavailable',
      message: expect.any(String),
      requestId: 'test-req-000123',
    });
  });

  it('answers 503 on /api/v1/user/limits too', async () => {
    proxy.setMode('reset');

    const response = await service.get('/api/v1/user/limits', { token });

    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'service_unavailable', requestId: expect.any(String) });
  });

  it('gives up within the connection timeout when Postgres stops answering', async () => {
    proxy.setMode('blackhole');

    const started = Date.now();
    const response = await service.get(PROFILE, { token });
    const elapsed = Date.now() - started;

    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'service_unavailable' });
    expect(elapsed).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 100);
    expect(elapsed).toBeLessThan(CONNECT_TIMEOUT_MS + 1500);
  });

  it('reports not ready on /health/ready during the outage while /health stays 200', async () => {
    proxy.setMode('reset');

    const ready = await service.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'down', checks: { postgres: { status: 'down' } } });

    const live = await service.get('/health');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
  });

  it('recovers by itself once Postgres is reachable again, without restarting the app', async () => {
    proxy.setMode('reset');
    expect((await service.get(PROFILE, { token })).status).toBe(503);
    expect((await service.get('/health/ready')).status).toBe(503);

    proxy.setMode('up');

    const response = await service.get(PROFILE, { token });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: userId, email: 'free@example.com', tier: 'FREE' });
    expect((await service.get('/api/v1/user/limits', { token })).status).toBe(200);
    expect((await service.get('/health/ready')).status).toBe(200);
    expect((await service.get('/health')).status).toBe(200);
  });
});

// Postgres itself refusing the database (ALLOW_CONNECTIONS false + terminated backends),
// with no proxy in between: the app's pool talks to Postgres directly.
describe('when Postgres refuses connections to the database', () => {
  let service: UserService;
  let token: string;
  let database: string;

  beforeAll(async () => {
    service = await startUserService();
    database = service.testDb.name;
    token = await service.idp.passwordGrant('free@example.com', DEV_PASSWORD);
    expect((await service.get(PROFILE, { token })).status).toBe(200);
  });

  const disallowConnections = async () => {
    await asAdmin(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS false`);
    await asAdmin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${database}'`);
  };
  const allowConnections = () => asAdmin(`ALTER DATABASE ${database} WITH ALLOW_CONNECTIONS true`);

  afterEach(allowConnections);
  afterAll(async () => {
    await service?.stop();
  });

  it('reports not ready on /health/ready and ready again afterwards, while /health stays 200', async () => {
    await disallowConnections();
    expect((await service.get('/health/ready')).status).toBe(503);
    expect((await service.get('/health')).status).toBe(200);

    await allowConnections();
    expect((await service.get('/health/ready')).status).toBe(200);
    expect((await service.get(PROFILE, { token })).status).toBe(200);
  });

  // Postgres refuses new connections with FATAL 55000 "database … is not currently accepting
  // connections": that is an outage too, not a bug to surface as 500.
  it('answers 503 service_unavailable on the API', async () => {
    await disallowConnections();

    const response = await service.get(PROFILE, { token });

    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: 'service_unavailable' });
  });
});
