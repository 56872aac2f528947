import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { startTestIdentityProvider } from '@tp/testing';
import { startEchoUpstream, type EchoedRequest, type EchoUpstream } from './support/echo-upstream';
import { closeAll, startEdge, type RunningEdge } from './support/edge-stack';
import { singleUpstreamEnv } from './support/single-upstream-env';

let idp: DevIdentityProvider;
let upstream: EchoUpstream;
let trusting: RunningEdge;
let untrusting: RunningEdge;
let token: string;

beforeAll(async () => {
  [idp, upstream] = await Promise.all([startTestIdentityProvider(), startEchoUpstream()]);
  // The test client connects from loopback: trusted by the default TRUSTED_PROXIES (loopback), not by another address.
  [trusting, untrusting] = await Promise.all([
    startEdge(singleUpstreamEnv(idp, upstream.url)),
    startEdge(singleUpstreamEnv(idp, upstream.url, { TRUSTED_PROXIES: '192.0.2.1' })),
  ]);
  token = await idp.passwordGrant('free@example.com', 'password');
});

afterAll(async () => {
  await closeAll(trusting, untrusting);
  await Promise.all([upstream?.close(), idp?.stop()]);
});

/** Sends through an edge and returns what the upstream received for that request. */
async function forwarded(edge: RunningEdge, path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; echoed: EchoedRequest }> {
  const before = upstream.received.length;
  const response = await fetch(`${edge.url}${path}`, init);
  await response.arrayBuffer();
  const echoed = upstream.received[before];
  if (!echoed) throw new Error(`the upstream received nothing for ${path} (status ${response.status})`);
  return { status: response.status, headers: response.headers, echoed };
}

const smuggled = {
  forwarded: 'for=6.6.6.6;proto=https',
  'x-real-ip': '6.6.6.6',
  'x-user-id': 'attacker',
  'x-remote-user': 'admin',
  'x-internal-role': 'admin',
  'x-tier': 'PREMIUM',
  'x-anything-else': 'made up',
  cookie: 'session=stolen',
};

describe('edge: forwarded headers', () => {
  it('sets X-Forwarded-* from the connection when the client is not a trusted proxy', async () => {
    const { echoed } = await forwarded(untrusting, '/api/v1/flags', {
      headers: { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' },
    });
    expect(echoed.headers['x-forwarded-for']).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(echoed.headers['x-forwarded-proto']).toBe('http');
    expect(echoed.headers['x-forwarded-host']).toBe(new URL(untrusting.url).host);
  });

  it("names exactly the client a trusted proxy named (no chain) and keeps that proxy's proto and host", async () => {
    // What nginx sends for a client that forged its own X-Forwarded-For: the forged part, then the address nginx saw.
    const { echoed } = await forwarded(trusting, '/api/v1/flags', {
      headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'tools.example.com' },
    });
    expect(echoed.headers['x-forwarded-for']).toBe('203.0.113.7');
    expect(echoed.headers['x-forwarded-proto']).toBe('https');
    expect(echoed.headers['x-forwarded-host']).toBe('tools.example.com');
  });

  it('forwards no Forwarded, X-Real-IP, identity-looking, cookie or unknown header', async () => {
    const { echoed } = await forwarded(trusting, '/api/v1/flags', { headers: smuggled });
    for (const name of Object.keys(smuggled)) expect(echoed.headers).not.toHaveProperty(name);
    expect(echoed.headers['host']).toBe(new URL(upstream.url).host);
  });

  it('passes the bearer token, content type and length of a user request', async () => {
    const body = JSON.stringify({ hello: 'world' });
    const { status, echoed } = await forwarded(trusting, '/api/v1/user/profile', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body,
    });
    expect(status).toBe(200);
    expect(echoed.headers).toMatchObject({
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      accept: 'application/json',
    });
    expect(echoed.bodyBytes).toBe(Buffer.byteLength(body));
  });

  it('passes Paddle-Signature and the raw body of a webhook', async () => {
    const { echoed } = await forwarded(trusting, '/api/v1/webhooks/paddle', {
      method: 'POST',
      headers: { 'paddle-signature': 'ts=1;h1=abc', 'content-type': 'application/json' },
      body: '{"event_id":"evt_1"}',
    });
    expect(echoed.headers['paddle-signature']).toBe('ts=1;h1=abc');
    expect(echoed.bodyBytes).toBe(20);
  });

  it('passes x-anonymous-id and If-None-Match to flags and the 304 and ETag back', async () => {
    const { status, headers, echoed } = await forwarded(trusting, '/api/v1/flags', {
      headers: { 'x-anonymous-id': 'visitor-1', 'if-none-match': '"echo-v1"' },
    });
    expect(status).toBe(304);
    expect(headers.get('etag')).toBe('"echo-v1"');
    expect(echoed.headers).toMatchObject({ 'x-anonymous-id': 'visitor-1', 'if-none-match': '"echo-v1"' });
  });

  it('passes a multipart upload body with its type and length, and x-upload-token on the read-back', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(4096, 1)]), 'a.bin');
    const upload = await forwarded(trusting, '/api/v1/upload/anonymous', { method: 'POST', body: form });
    expect(upload.echoed.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.echoed.bodyBytes).toBeGreaterThan(4096);
    const readBack = await forwarded(trusting, '/api/v1/upload/anonymous/abc', { headers: { 'x-upload-token': 'read-token' } });
    expect(readBack.echoed.headers['x-upload-token']).toBe('read-token');
    expect(readBack.echoed.headers['x-request-id']).toBe(readBack.headers.get('x-request-id'));
  });
});
