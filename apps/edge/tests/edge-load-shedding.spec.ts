import { connect, type Socket } from 'node:net';
import { call, startTestStack, type TestStack } from '@tp/testing';
import { closeAll, startEdge, startSilentUpstream, type RunningEdge } from './support/edge-stack';
import { signedWebhook } from './support/signed-webhook';
import { singleUpstreamEnv } from './support/single-upstream-env';
import { slowRequest, type SlowOutcome } from './support/slow-client';

const SECRET = 'pdl_ntfset_edge_load_test';
const SLOW_CLIENTS = 500;

let stack: TestStack<'billing'>;
let silent: { url: string; close: () => Promise<void> };
let edge: RunningEdge;
let capped: RunningEdge;

beforeAll(async () => {
  [stack, silent] = await Promise.all([
    startTestStack({ services: ['billing'], env: { LOG_LEVEL: 'warn', PADDLE_WEBHOOK_SECRET: SECRET } }),
    startSilentUpstream(),
  ]);
  [edge, capped] = await Promise.all([
    // Defaults, with the real billing service behind the webhook route.
    startEdge(singleUpstreamEnv(stack.idp, silent.url, { BILLING_SERVICE_URL: stack.billing.url })),
    startEdge(singleUpstreamEnv(stack.idp, silent.url, { EDGE_MAX_CONNECTIONS: '5', UPSTREAM_MAX_IN_FLIGHT: '2', UPSTREAM_TIMEOUT_MS: '5000' })),
  ]);
});

afterAll(async () => {
  await closeAll(edge, capped);
  await Promise.all([silent?.close(), stack?.stop()]);
});

function openIdle(url: string, count: number): Promise<Socket[]> {
  const { port } = new URL(url);
  return Promise.all(
    Array.from({ length: count }, () => new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(port) }, () => resolve(socket));
      socket.on('error', reject);
    })),
  );
}

describe('edge: load shedding', () => {
  it('answers a connection past EDGE_MAX_CONNECTIONS with 503 JSON and Retry-After', async () => {
    const idle = await openIdle(capped.url, 5);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const reply = await call(`${capped.url}/health`);
      expect(reply.status).toBe(503);
      expect(reply.headers.get('retry-after')).toBe('1');
      expect(reply.body).toMatchObject({ error: 'service_unavailable', requestId: expect.any(String) });
    } finally {
      idle.forEach((socket) => socket.destroy());
    }
    // Closed connections free their places.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await call(`${capped.url}/health`)).status).toBe(200);
  });

  it('answers 503 with Retry-After at once past UPSTREAM_MAX_IN_FLIGHT requests to one service', async () => {
    const pending = [call(`${capped.url}/api/v1/flags`), call(`${capped.url}/api/v1/flags`)];
    await new Promise((resolve) => setTimeout(resolve, 200));
    let settled = 0;
    pending.forEach((reply) => void reply.then(() => (settled += 1)));
    const shed = await call(`${capped.url}/api/v1/flags`);
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(shed.body).toMatchObject({ error: 'service_unavailable', message: expect.stringContaining('flags') });
    // Shed while the two in flight were still waiting on their (silent) upstream.
    expect(settled).toBe(0);
    expect((await Promise.all(pending)).map((reply) => reply.status)).toEqual([504, 504]);
  });

  it(`answers a real signed webhook within 1 s while ${SLOW_CLIENTS} slow clients trickle webhook bodies`, async () => {
    const deliver = async () => {
      const { body, signature } = signedWebhook(SECRET);
      const started = performance.now();
      const response = await fetch(`${edge.url}/api/v1/webhooks/paddle`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'paddle-signature': signature },
        body,
      });
      await response.arrayBuffer();
      return { status: response.status, latencyMs: performance.now() - started };
    };
    // Warm: the billing service's first event pays for its code paths and pool; that is not what is measured.
    expect((await deliver()).status).toBe(200);
    const head = 'POST /api/v1/webhooks/paddle HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\nPaddle-Signature: ts=1;h1=00\r\nContent-Length: 1000';
    let headsSent = 0;
    const slow: Array<Promise<SlowOutcome>> = [];
    for (let i = 0; i < SLOW_CLIENTS; i += 1) {
      slow.push(slowRequest({ url: edge.url, head, bodyBytes: 1000, intervalMs: 2000, maxMs: 20_000, onStarted: () => (headsSent += 1) }));
    }
    // Every slow client is connected and holding a request open before the real webhook is sent.
    const settle = Date.now() + 4000;
    while (headsSent < SLOW_CLIENTS && Date.now() < settle) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(headsSent).toBe(SLOW_CLIENTS);
    // …and the edge has read their headers (their 5 s body deadline is still far off).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const real = await deliver();
    expect(real.status).toBe(200);
    expect(real.latencyMs).toBeLessThan(1000);
    const outcomes = await Promise.all(slow);
    // Every slow client was cut by the body deadline, none held on until its own give-up.
    expect(outcomes.filter((outcome) => outcome.status === 408)).toHaveLength(SLOW_CLIENTS);
    expect(Math.max(...outcomes.map((outcome) => outcome.elapsedMs))).toBeLessThan(15_000);
  });
});
