import { captureLogs, type LogCapture } from '@tp/testing';
import { createServiceApp } from './create-service-app';
import { runHealthChecks, type HealthCheck } from './health';
import { startServer, type RunningServer } from './start-server';

const ok = (name: string, extra: Partial<HealthCheck> = {}): HealthCheck => ({
  name,
  required: true,
  run: async () => undefined,
  ...extra,
});

const failing = (name: string, extra: Partial<HealthCheck> = {}): HealthCheck => ({
  name,
  required: true,
  run: async () => {
    throw new Error(`${name} refused the connection`);
  },
  ...extra,
});

describe('runHealthChecks', () => {
  it('is ok when every check passes, with a latency per check', async () => {
    const report = await runHealthChecks([ok('postgres'), ok('redis', { required: false })]);
    expect(report.status).toBe('ok');
    expect(report.checks['postgres']).toEqual({ status: 'ok', required: true, latencyMs: expect.any(Number) });
    expect(report.checks['redis']).toEqual({ status: 'ok', required: false, latencyMs: expect.any(Number) });
  });

  it('is down when a required check is down', async () => {
    const report = await runHealthChecks([ok('redis', { required: false }), failing('postgres')]);
    expect(report.status).toBe('down');
    expect(report.checks['postgres']).toEqual({
      status: 'down',
      required: true,
      latencyMs: expect.any(Number),
      error: 'postgres refused the connection',
    });
    expect(report.checks['redis']?.status).toBe('ok');
  });

  it('is only degraded when an optional check is down', async () => {
    const report = await runHealthChecks([ok('postgres'), failing('minio', { required: false })]);
    expect(report.status).toBe('degraded');
    expect(report.checks['minio']).toMatchObject({ status: 'down', required: false });
  });

  it('stays down when a required failure comes after an optional one', async () => {
    const report = await runHealthChecks([failing('minio', { required: false }), failing('postgres')]);
    expect(report.status).toBe('down');
  });

  it('is degraded when a check answers degraded', async () => {
    const report = await runHealthChecks([ok('queue', { run: async () => 'degraded' })]);
    expect(report).toMatchObject({ status: 'degraded', checks: { queue: { status: 'degraded' } } });
  });

  it('marks a check that hangs past its timeout as down, and measures how long it waited', async () => {
    const hanging = ok('upstream', { timeoutMs: 50, run: () => new Promise<void>(() => undefined) });
    const report = await runHealthChecks([hanging]);
    expect(report.status).toBe('down');
    expect(report.checks['upstream']).toMatchObject({ status: 'down', error: 'timed out after 50 ms' });
    expect(report.checks['upstream']!.latencyMs).toBeGreaterThanOrEqual(45);
    expect(report.checks['upstream']!.latencyMs).toBeLessThan(1000);
  });

  it('runs the checks concurrently', async () => {
    const slow = (name: string) => ok(name, { run: () => new Promise<void>((resolve) => setTimeout(resolve, 150)) });
    const started = Date.now();
    await runHealthChecks([slow('a'), slow('b'), slow('c')]);
    expect(Date.now() - started).toBeLessThan(400);
  });
});

describe('healthRouter', () => {
  let server: RunningServer;
  let databaseUp = true;
  let logs: LogCapture;

  beforeAll(async () => {
    logs = captureLogs();
    const { logger } = logs;
    const app = createServiceApp({
      logger,
      healthChecks: [
        ok('postgres', {
          readiness: true,
          run: async () => {
            if (!databaseUp) throw new Error('connection refused');
          },
        }),
        failing('thumbnails', { required: false }),
      ],
      routes: () => undefined,
    });
    server = await startServer(app, { port: 0, host: '127.0.0.1', logger });
  });

  afterAll(() => server?.close());

  const getJson = async (path: string) => {
    const response = await fetch(`${server.url}${path}`);
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as Record<string, unknown> };
  };

  it('is ready while the readiness checks pass, ignoring optional non-readiness checks', async () => {
    databaseUp = true;
    const ready = await getJson('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', checks: { postgres: { status: 'ok' } } });
    expect(ready.body['checks']).not.toHaveProperty('thumbnails');
  });

  it('answers 503 on /health/ready when a readiness check fails, while /health stays 200', async () => {
    databaseUp = false;
    try {
      const ready = await getJson('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'down', checks: { postgres: { status: 'down', latencyMs: expect.any(Number) } } });
      expect(ready.text).not.toContain('connection refused');

      const live = await getJson('/health');
      expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });
    } finally {
      databaseUp = true;
    }
  });

  it('reports every check with only its status and latency on /health/detailed, the error going to the log', async () => {
    const detailed = await getJson('/health/detailed');
    expect(detailed.status).toBe(200);
    expect(detailed.body).toEqual({
      status: 'degraded',
      checks: {
        postgres: { status: 'ok', latencyMs: expect.any(Number) },
        thumbnails: { status: 'down', latencyMs: expect.any(Number) },
      },
    });
    expect(detailed.text).not.toContain('refused');
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({ level: 'warn', check: 'thumbnails', status: 'down', error: 'thumbnails refused the connection' }),
    );
  });
});
