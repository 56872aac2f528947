import { captureLogs } from '@tp/testing';
import type { HealthCheck } from './health';
import { createHealthMonitor, publicReport } from './health-monitor';

function countingCheck(name: string, outcome: () => Promise<void>): { check: HealthCheck; runs: () => number } {
  let runs = 0;
  return {
    runs: () => runs,
    check: {
      name,
      required: true,
      run: async () => {
        runs += 1;
        await outcome();
      },
    },
  };
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('createHealthMonitor', () => {
  it('runs one round for any number of concurrent callers', async () => {
    const { check, runs } = countingCheck('postgres', () => pause(50));
    const report = createHealthMonitor([check], { cacheMs: 0 });
    const reports = await Promise.all(Array.from({ length: 50 }, report));
    expect(runs()).toBe(1);
    expect(new Set(reports).size).toBe(1);
  });

  it('reuses a finished round for cacheMs, then runs a new one', async () => {
    const { check, runs } = countingCheck('postgres', async () => undefined);
    const report = createHealthMonitor([check], { cacheMs: 100 });
    await report();
    await report();
    expect(runs()).toBe(1);
    await pause(120);
    await report();
    expect(runs()).toBe(2);
  });

  it('with cacheMs 0 runs a new round for a caller after the previous one finished', async () => {
    const { check, runs } = countingCheck('postgres', async () => undefined);
    const report = createHealthMonitor([check], { cacheMs: 0 });
    await report();
    await report();
    expect(runs()).toBe(2);
  });

  it('logs the error of a failing check once per round, and the public report leaves it out', async () => {
    const logs = captureLogs();
    const { check } = countingCheck('s3', async () => {
      throw new Error('connect ECONNREFUSED 10.0.0.7:9000 (bucket tp-uploads)');
    });
    const report = createHealthMonitor([check], { cacheMs: 10_000, logger: logs.logger });
    const [first] = await Promise.all([report(), report(), report()]);
    expect(publicReport(first!)).toEqual({ status: 'down', checks: { s3: { status: 'down', latencyMs: expect.any(Number) } } });
    const warnings = logs.lines().filter((line) => line['msg'] === 'Health check not ok');
    expect(warnings).toEqual([
      expect.objectContaining({ check: 's3', status: 'down', error: 'connect ECONNREFUSED 10.0.0.7:9000 (bucket tp-uploads)' }),
    ]);
  });

  it('strips error text from nested downstream checks too', () => {
    const nested = publicReport({
      status: 'down',
      checks: {
        'service:upload': {
          status: 'down',
          required: true,
          latencyMs: 3,
          error: 'reports down',
          checks: { s3: { status: 'down', required: true, latencyMs: 2, error: 'NoSuchBucket tp-uploads' } },
        },
      },
    });
    expect(JSON.stringify(nested)).not.toMatch(/error|NoSuchBucket|reports down|required/);
    expect(nested.checks['service:upload']?.checks?.['s3']).toEqual({ status: 'down', latencyMs: 2 });
  });
});
