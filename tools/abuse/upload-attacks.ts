import { request } from 'node:http';
import { trickleUpload, type TrickleOutcome } from '../../apps/upload/tests/support/trickle-client';
import { countBy, pause, type Probe } from './attacks';

/** A normal client's GET (with its own headers) from 127.0.0.2 every `everyMs` while `running()`. */
export async function probeReads(url: string, headers: Record<string, string>, everyMs: number, running: () => boolean): Promise<Probe> {
  const results: Array<{ status: string; ms: number }> = [];
  const { hostname } = new URL(url);
  const localAddress = hostname === '127.0.0.1' ? '127.0.0.2' : undefined;
  while (running()) {
    const started = performance.now();
    results.push(
      await new Promise((resolve) => {
        const req = request(url, { headers, localAddress, timeout: 10_000 }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: String(res.statusCode), ms: performance.now() - started }));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (err) => resolve({ status: err.message === 'timeout' ? 'timeout' : 'error', ms: performance.now() - started }));
        req.end();
      }),
    );
    await pause(everyMs);
  }
  return { statuses: countBy(results, (result) => result.status), latenciesMs: results.map((result) => result.ms) };
}

/** While `attack` runs, a normal client reads `probeUrl`; both results. */
async function whileProbing<T>(attack: Promise<T>, probeUrl: string, headers: Record<string, string>, everyMs: number): Promise<{ result: T; probe: Probe }> {
  let running = true;
  const done = attack.finally(() => (running = false));
  const [result, probe] = await Promise.all([done, probeReads(probeUrl, headers, everyMs, () => running)]);
  return { result, probe };
}

/** What ended one upload: its status, and for a 429 which limit (`concurrent` slots, or the rate limit). */
const outcomeLabel = (outcome: TrickleOutcome) => {
  if (outcome.status === 0) return 'closed';
  const quota = (outcome.body?.['details'] as { quota?: string } | undefined)?.quota;
  return quota ? `${outcome.status} ${quota}` : outcome.status === 429 ? '429 rate-limit' : String(outcome.status);
};

export interface TrickleFloodResult {
  outcomes: Record<string, number>;
  slowestMs: number;
  probe: Probe;
}

/**
 * `count` uploads from one account, each trickling one byte every 2 s (under the minimum rate),
 * opened `perSecond` a second; a normal client reads its own upload's status meanwhile.
 */
export async function trickleFlood(edgeUrl: string, token: string, count: number, perSecond: number, maxMs: number, probeUrl: string, probeToken: string): Promise<TrickleFloodResult> {
  const attack = (async () => {
    const outcomes: Array<Promise<TrickleOutcome>> = [];
    for (let opened = 0; opened < count; opened += 1) {
      const trickle = trickleUpload({ url: edgeUrl, path: '/api/v1/upload', headers: { authorization: `Bearer ${token}` }, chunkBytes: 1, intervalMs: 2000 });
      const timer = setTimeout(trickle.stop, maxMs);
      outcomes.push(trickle.outcome.finally(() => clearTimeout(timer)));
      if ((opened + 1) % perSecond === 0) await pause(1000);
    }
    return Promise.all(outcomes);
  })();
  const { result, probe } = await whileProbing(attack, probeUrl, { authorization: `Bearer ${probeToken}` }, 1000);
  return { outcomes: countBy(result, outcomeLabel), slowestMs: Math.max(...result.map((outcome) => outcome.elapsedMs)), probe };
}

export interface SweepResult {
  statuses: number[];
  probe: Probe;
}

/** Anonymous uploads, one from each of `count` addresses of one IPv6 /64 (named as a trusted proxy names clients). */
export async function ipv6Sweep(edgeUrl: string, count: number, probeUrl: string): Promise<SweepResult> {
  const attack = (async () => {
    const statuses: number[] = [];
    for (let n = 1; n <= count; n += 1) {
      const form = new FormData();
      form.append('file', new Blob([Buffer.alloc(1024, 0x61)], { type: 'text/plain' }), 'sweep.txt');
      const response = await fetch(`${edgeUrl}/api/v1/upload/anonymous`, {
        method: 'POST',
        body: form,
        headers: { 'x-forwarded-for': `2001:db8:5eed:1:${(n >> 16).toString(16)}:${(n & 0xffff).toString(16)}:${n.toString(16)}:1` },
      });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    return statuses;
  })();
  const { result, probe } = await whileProbing(attack, probeUrl, {}, 500);
  return { statuses: result, probe };
}

export interface OverCapResult {
  status: number;
  bytesSent: number;
  elapsedMs: number;
  probe: Probe;
}

/** One anonymous chunked body of preamble only (no delimiter ever), sent as fast as it goes until answered. */
export async function overCapChunked(edgeUrl: string, maxBytes: number, probeUrl: string): Promise<OverCapResult> {
  const attack = new Promise<Omit<OverCapResult, 'probe'>>((resolve) => {
    const started = performance.now();
    let sent = 0;
    let status = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const req = request(`${edgeUrl}/api/v1/upload/anonymous`, { method: 'POST', agent: false, headers: { 'content-type': 'multipart/form-data; boundary=never' } });
    const finish = () => resolve({ status, bytesSent: sent, elapsedMs: performance.now() - started });
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on('end', finish);
    });
    req.on('error', finish);
    const write = () => {
      while (status === 0 && sent < maxBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      if (status === 0) req.end();
    };
    write();
  });
  const { result, probe } = await whileProbing(attack, probeUrl, {}, 200);
  return { ...result, probe };
}
