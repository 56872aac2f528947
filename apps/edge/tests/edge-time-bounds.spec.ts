import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { call, startTestIdentityProvider } from '@tp/testing';
import { startEchoUpstream, type EchoUpstream } from './support/echo-upstream';
import { closeAll, startEdge, startSilentUpstream, type RunningEdge } from './support/edge-stack';
import { singleUpstreamEnv } from './support/single-upstream-env';
import { slowRequest } from './support/slow-client';

let idp: DevIdentityProvider;
let upstream: EchoUpstream;
let silent: { url: string; close: () => Promise<void> };
let defaults: RunningEdge;
let tight: RunningEdge;
let stuck: RunningEdge;

beforeAll(async () => {
  [idp, upstream, silent] = await Promise.all([startTestIdentityProvider(), startEchoUpstream(), startSilentUpstream()]);
  [defaults, tight, stuck] = await Promise.all([
    // Out of the box: what a slowloris meets in production.
    startEdge(singleUpstreamEnv(idp, upstream.url)),
    startEdge(singleUpstreamEnv(idp, upstream.url, { EDGE_HEADERS_TIMEOUT_MS: '1000', EDGE_UPLOAD_IDLE_TIMEOUT_MS: '1000' })),
    // An upstream that never answers, one socket to it, and long upstream timeouts: only the edge's own bounds end requests.
    startEdge(
      singleUpstreamEnv(idp, silent.url, {
        UPSTREAM_TIMEOUT_MS: '60000',
        EDGE_REQUEST_TIMEOUT_MS: '1500',
        UPSTREAM_MAX_SOCKETS: '1',
        UPSTREAM_QUEUE_TIMEOUT_MS: '300',
      }),
    ),
  ]);
});

afterAll(async () => {
  await closeAll(defaults, tight, stuck);
  await Promise.all([upstream?.close(), silent?.close(), idp?.stop()]);
});

const webhookHead = (length: number) =>
  `POST /api/v1/webhooks/paddle HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\nPaddle-Signature: ts=1;h1=00\r\nContent-Length: ${length}`;

describe('edge: time bounds per route class', () => {
  it('answers a webhook body trickled 1 byte every 2 s with 408 JSON well within 45 s, without calling the service', async () => {
    const before = upstream.received.length;
    const outcome = await slowRequest({ url: defaults.url, head: webhookHead(1000), bodyBytes: 1000, intervalMs: 2000, maxMs: 45_000 });
    expect(outcome.status).toBe(408);
    expect(outcome.body).toMatchObject({ error: 'request_timeout', requestId: expect.any(String) });
    // EDGE_BODY_TIMEOUT_MS is 5 s by default; Node's own sweep would only act after 30 min.
    expect(outcome.elapsedMs).toBeLessThan(15_000);
    expect(outcome.bodyBytesSent).toBeLessThan(10);
    expect(upstream.received.length).toBe(before);
  });

  it('closes a connection whose headers trickle past EDGE_HEADERS_TIMEOUT_MS', async () => {
    const outcome = await slowRequest({ url: tight.url, head: webhookHead(10), headerIntervalMs: 200, bodyBytes: 10, intervalMs: 200, maxMs: 20_000 });
    expect([0, 408]).toContain(outcome.status);
    expect(outcome.elapsedMs).toBeLessThan(5000);
  });

  it('answers an upload that stops sending with 408 JSON after EDGE_UPLOAD_IDLE_TIMEOUT_MS', async () => {
    const head = 'POST /api/v1/upload/anonymous HTTP/1.1\r\nHost: edge\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000';
    const outcome = await slowRequest({ url: tight.url, head, bodyBytes: 10, chunkBytes: 10, intervalMs: 10, maxMs: 20_000 });
    expect(outcome.status).toBe(408);
    expect(outcome.body).toMatchObject({ error: 'request_timeout', message: 'The upload stalled' });
    expect(outcome.elapsedMs).toBeLessThan(5000);
  });

  it('lets an upload that keeps moving run past the idle limit', async () => {
    const head = 'POST /api/v1/upload/anonymous HTTP/1.1\r\nHost: edge\r\nContent-Type: application/octet-stream\r\nContent-Length: 5000\r\nConnection: close';
    const outcome = await slowRequest({ url: tight.url, head, bodyBytes: 5000, chunkBytes: 500, intervalMs: 300, maxMs: 20_000 });
    expect(outcome.status).toBe(200);
    expect(outcome.elapsedMs).toBeGreaterThan(2000);
    expect(outcome.body).toMatchObject({ url: '/api/v1/upload/anonymous', bodyBytes: 5000 });
  });

  it('gives up on a short route after EDGE_REQUEST_TIMEOUT_MS with 504 JSON, even when the upstream timeout is longer', async () => {
    const started = Date.now();
    const reply = await call(`${stuck.url}/api/v1/flags`);
    expect(reply.status).toBe(504);
    expect(reply.body).toMatchObject({ error: 'gateway_timeout', requestId: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('answers 503 JSON with Retry-After when a request waits for an upstream socket past UPSTREAM_QUEUE_TIMEOUT_MS', async () => {
    const holding = call(`${stuck.url}/api/v1/flags`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const waiting = await call(`${stuck.url}/api/v1/flags`);
    expect(waiting.status).toBe(503);
    expect(waiting.headers.get('retry-after')).toBe('1');
    expect(waiting.body).toMatchObject({ error: 'service_unavailable', requestId: expect.any(String) });
    expect((await holding).status).toBe(504);
  });
});
