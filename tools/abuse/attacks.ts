import { request } from 'node:http';
import { slowRequest, type SlowOutcome } from '../../apps/edge/tests/support/slow-client';

export interface Probe {
  statuses: Record<string, number>;
  latenciesMs: number[];
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed(url: string, init?: RequestInit): Promise<{ status: string; ms: number }> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return { status: String(response.status), ms: performance.now() - started };
  } catch (err) {
    return { status: (err as Error).name === 'TimeoutError' ? 'timeout' : 'error', ms: performance.now() - started };
  }
}

/**
 * A normal client's request from another loopback address (127.0.0.2 unless given), so it has
 * its own rate-limit bucket and does not eat the attacker's.
 */
function timedFromOtherAddress(url: string, from = '127.0.0.2'): Promise<{ status: string; ms: number }> {
  const started = performance.now();
  const { hostname } = new URL(url);
  const localAddress = hostname === '127.0.0.1' ? from : undefined;
  return new Promise((resolve) => {
    const req = request(url, { localAddress, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: String(res.statusCode), ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: err.message === 'timeout' ? 'timeout' : 'error', ms: performance.now() - started }));
    req.end();
  });
}

/** One legitimate request every `everyMs` while `running()`; what a normal client saw meanwhile. */
export async function probeWhile(url: string, everyMs: number, running: () => boolean, from?: string): Promise<Probe> {
  const results: Array<{ status: string; ms: number }> = [];
  while (running()) {
    results.push(await timedFromOtherAddress(url, from));
    await pause(everyMs);
  }
  return { statuses: countBy(results, (result) => result.status), latenciesMs: results.map((result) => result.ms) };
}

export interface SlowlorisResult {
  bodies: SlowOutcome[];
  headers: SlowOutcome[];
  probe: Probe;
}

/** `bodyClients` trickle a webhook body (1 byte / 2 s), `headerClients` trickle headers; a normal client probes meanwhile. */
export async function slowloris(edgeUrl: string, bodyClients: number, headerClients: number, maxMs: number): Promise<SlowlorisResult> {
  const webhook =
    'POST /api/v1/webhooks/paddle HTTP/1.1\r\nHost: abuse\r\nContent-Type: application/json\r\nPaddle-Signature: ts=1;h1=00\r\nContent-Length: 1000';
  const bodies = Array.from({ length: bodyClients }, () => slowRequest({ url: edgeUrl, head: webhook, bodyBytes: 1000, intervalMs: 2000, maxMs }));
  const headers = Array.from({ length: headerClients }, () =>
    slowRequest({ url: edgeUrl, head: 'GET /api/v1/flags HTTP/1.1\r\nHost: abuse\r\nX-Padding: ' + 'a'.repeat(2000), headerIntervalMs: 1000, bodyBytes: 0, intervalMs: 1000, maxMs }),
  );
  let running = true;
  const all = Promise.all([Promise.all(bodies), Promise.all(headers)]).finally(() => (running = false));
  const probe = probeWhile(`${edgeUrl}/api/v1/flags`, 200, () => running);
  const [[bodyOutcomes, headerOutcomes], probed] = await Promise.all([all, probe]);
  return { bodies: bodyOutcomes, headers: headerOutcomes, probe: probed };
}

export interface FloodResult {
  statuses: Record<string, number>;
  latenciesMs: number[];
  elapsedMs: number;
}

/** `waves` waves of `concurrency` simultaneous requests from one client. */
export async function flood(send: () => Promise<{ status: string; ms: number }>, concurrency: number, waves: number): Promise<FloodResult> {
  const started = performance.now();
  const results: Array<{ status: string; ms: number }> = [];
  for (let wave = 0; wave < waves; wave += 1) {
    results.push(...(await Promise.all(Array.from({ length: concurrency }, send))));
  }
  return { statuses: countBy(results, (result) => result.status), latenciesMs: results.map((result) => result.ms), elapsedMs: performance.now() - started };
}

export const healthCall = (edgeUrl: string) => () => timed(`${edgeUrl}/health/detailed`);

/** One anonymous upload of `bytes` bytes (a real multipart body, as a browser's FormData sends it). */
export const anonymousUpload = (edgeUrl: string, bytes: number) => () => {
  const form = new FormData();
  form.append('file', new Blob([Buffer.alloc(bytes, 0x61)], { type: 'text/plain' }), 'abuse.txt');
  return timed(`${edgeUrl}/api/v1/upload/anonymous`, { method: 'POST', body: form });
};
