import { Agent, request } from 'node:http';
import { countBy, probeWhile, type FloodResult, type Probe } from './attacks';
import { latency, ms, probeLine, statuses } from './report-lines';

/** Just under Node's 16 KiB header limit with the few headers sent here. */
const URL_BYTES = 16_000;
const fill = (prefix: string, unit: string) => `${prefix}${unit.repeat(Math.floor((URL_BYTES - prefix.length) / unit.length))}`;

/**
 * Request targets that made the request-line redaction backtrack or loop: a path of repeated
 * `eyJ` (quadratic in the old JWT regex), JWT-shaped segments, thousands of query parameters.
 * Unrouted paths: answered 404 before any rate limiter, yet every one is logged.
 */
export const ADVERSARIAL_URLS = [fill('/api/v1/', 'eyJ'), fill('/api/v1/', 'eyJaaaaa.bbbbb/'), fill('/api/v1/x?', 'a&'), fill('/api/v1/x?', '%2574oken=1&')];

/** Its own loopback address: a rate-limit bucket no earlier probe's normal client has used. */
const NORMAL_CLIENT = '127.0.0.3';

export interface RegexFloodResult {
  flood: FloodResult;
  probe: Probe;
}

function send(edgeUrl: string, path: string, agent: Agent): Promise<{ status: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(`${edgeUrl}${path}`, { agent, timeout: 10_000, headers: { host: 'abuse' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: String(res.statusCode), ms: performance.now() - started }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ status: err.message === 'timeout' ? 'timeout' : 'error', ms: performance.now() - started }));
    req.end();
  });
}

/** `total` adversarial 16 KB URLs from one client, `concurrency` at a time over keep-alive; a normal client probes meanwhile. */
export async function regexUrlFlood(edgeUrl: string, total: number, concurrency: number): Promise<RegexFloodResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const results: Array<{ status: string; ms: number }> = [];
  let next = 0;
  let running = true;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const path = ADVERSARIAL_URLS[next % ADVERSARIAL_URLS.length]!;
      next += 1;
      results.push(await send(edgeUrl, path, agent));
    }
  };
  const attack = Promise.all(Array.from({ length: concurrency }, worker)).finally(() => (running = false));
  const [probe] = await Promise.all([probeWhile(`${edgeUrl}/api/v1/flags`, 200, () => running, NORMAL_CLIENT), attack]);
  agent.destroy();
  const flood = { statuses: countBy(results, (result) => result.status), latenciesMs: results.map((result) => result.ms), elapsedMs: performance.now() - started };
  return { flood, probe };
}

/** The lines `npm run abuse` prints for this probe. */
export function regexFloodLines(result: RegexFloodResult, total: number): string[] {
  const { flood, probe } = result;
  const perSecond = (total / flood.elapsedMs) * 1000;
  return [
    `   answers: ${statuses(flood.statuses)} in ${ms(flood.elapsedMs)} (${Math.round(perSecond)} req/s); ${latency(flood.latenciesMs)}`,
    `   ${probeLine('GET /api/v1/flags every 200 ms', probe, NORMAL_CLIENT)}`,
  ];
}
