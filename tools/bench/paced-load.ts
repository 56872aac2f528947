import { Agent, request } from 'node:http';
import type { LoadResult } from './run-load';

export interface PacedLoadOptions {
  url: string;
  headers?: Record<string, string>;
  ratePerSecond: number;
  durationSeconds: number;
}

/** The value below which `fraction` of the sorted samples fall. */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * An open-loop generator that sends request i at start + i / rate, whatever the earlier
 * responses are doing, over keep-alive sockets (a new one only when every open one is
 * busy). autocannon's `overallRate` instead lets each connection send its share of a
 * second back to back and then wait, so a fixed rate arrives in bursts and the p99 measures
 * the burst queue, not the server. Latency runs from the send to the last body byte.
 * `lagP99Ms` is how late the timer fired: it shows the pacing was even.
 */
export async function runPacedLoad(options: PacedLoadOptions): Promise<LoadResult & { lagP99Ms: number }> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 256, scheduling: 'lifo' });
  const total = Math.round(options.ratePerSecond * options.durationSeconds);
  const intervalMs = 1000 / options.ratePerSecond;
  const latencies = new Float64Array(total);
  const lags = new Float64Array(total);
  let completed = 0;
  let failures = 0;
  let sent = 0;
  const started = performance.now();

  await new Promise<void>((resolve) => {
    const finish = () => {
      completed += 1;
      if (completed === total) resolve();
    };
    const send = (index: number, lagMs: number) => {
      lags[index] = lagMs;
      const sentAt = performance.now();
      const req = request(
        { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, headers: options.headers, agent },
        (res) => {
          if (res.statusCode === undefined || res.statusCode >= 300) failures += 1;
          res.on('data', () => undefined);
          res.on('end', () => {
            latencies[index] = performance.now() - sentAt;
            finish();
          });
        },
      );
      req.on('error', () => {
        failures += 1;
        latencies[index] = performance.now() - sentAt;
        finish();
      });
      req.end();
    };
    const tick = () => {
      const now = performance.now();
      // Every request whose time has come (normally one; more only if the timer fired late).
      while (sent < total && started + sent * intervalMs <= now) {
        send(sent, now - (started + sent * intervalMs));
        sent += 1;
      }
      if (sent < total) setTimeout(tick, Math.max(0, started + sent * intervalMs - performance.now()));
    };
    tick();
  });
  const elapsedSeconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort();
  lags.sort();
  if (failures > 0) throw new Error(`${options.url}: ${failures} failed requests at a fixed rate`);
  return {
    requestsPerSecond: total / elapsedSeconds,
    p50Ms: round2(percentile(latencies, 0.5)),
    p99Ms: round2(percentile(latencies, 0.99)),
    requests: total,
    failures,
    lagP99Ms: round2(percentile(lags, 0.99)),
  };
}
