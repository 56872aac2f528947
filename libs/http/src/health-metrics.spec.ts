import { createLogger } from '@tp/logging';
import { createServiceMetrics, parseExposition, sampleValue } from '@tp/metrics';
import { createServiceApp } from './create-service-app';
import type { HealthCheck } from './health';
import { startServer, type RunningServer } from './start-server';

describe('health_check_up: each /health/detailed check on the metrics port', () => {
  let server: RunningServer;
  let databaseUp = true;
  let databaseRuns = 0;

  beforeAll(async () => {
    const metrics = createServiceMetrics('health-test');
    const checks: HealthCheck[] = [
      {
        name: 'postgres',
        required: true,
        run: async () => {
          databaseRuns += 1;
          if (!databaseUp) throw new Error('connection refused');
        },
      },
      { name: 'redis', required: false, run: async () => 'degraded' },
    ];
    const logger = createLogger({ service: 'health-test', level: 'silent' });
    const app = createServiceApp({ logger, metrics, healthChecks: checks, health: { cacheMs: 0 }, routes: () => undefined });
    server = await startServer(app, { port: 0, host: '127.0.0.1', logger, metrics: { registry: metrics.registry, port: 0, host: '127.0.0.1' }, shutdownTimeoutMs: 1000 });
  });
  afterAll(() => server?.close());

  const scrape = async () => parseExposition(await (await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`)).text());
  const up = (samples: Awaited<ReturnType<typeof scrape>>, check: string, required: string) =>
    samples.filter((sample) => sample.name === 'health_check_up' && sample.labels['check'] === check && sample.labels['required'] === required).map((sample) => sample.value);

  it('reports 1 for an ok or degraded check and 0 for one that is down, as /health/detailed does', async () => {
    expect(up(await scrape(), 'postgres', 'true')).toEqual([1]);
    databaseUp = false;
    const samples = await scrape();
    const detailed = (await (await fetch(`${server.url}/health/detailed`)).json()) as { checks: Record<string, { status: string }> };
    expect(up(samples, 'postgres', 'true')).toEqual([0]);
    expect(up(samples, 'redis', 'false')).toEqual([1]);
    expect(detailed.checks['postgres']?.status).toBe('down');
    expect(sampleValue(samples, 'health_check_up', { service: 'health-test' })).toBe(1);
    databaseUp = true;
  });

  it('runs one round per scrape, not one per check reader', async () => {
    const before = databaseRuns;
    await scrape();
    expect(databaseRuns - before).toBe(1);
  });
});
