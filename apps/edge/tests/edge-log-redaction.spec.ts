import { connect } from 'node:net';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { call, eventually, freePort, startTestIdentityProvider } from '@tp/testing';
import { startDocsEdge, type DocsEdge } from './support/docs-edge';
import { singleUpstreamEnv } from './support/single-upstream-env';

let idp: DevIdentityProvider;
let edge: DocsEdge;
let adminToken: string;

beforeAll(async () => {
  idp = await startTestIdentityProvider();
  // No service behind the edge: the request log line is written whatever the upstream answers.
  edge = await startDocsEdge(singleUpstreamEnv(idp, `http://127.0.0.1:${await freePort()}`));
  adminToken = await idp.passwordGrant('admin@example.com', 'password');
});

afterAll(async () => {
  await edge?.close();
  await idp?.stop();
});

const requestLine = (requestId: string) =>
  edge.logs.lines().find((line) => line['requestId'] === requestId && line['msg'] === 'Request completed');

/** Sends a raw request line (absolute-form targets cannot be sent with fetch) and waits for the answer. */
function rawGet(target: string, requestId: string): Promise<string> {
  const { port } = new URL(edge.url);
  return new Promise((resolve, reject) => {
    const socket = connect({ port: Number(port), host: '127.0.0.1' });
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n`);
  });
}

describe('edge: credentials in logged URLs', () => {
  it('accepts ?%74oken= on /docs/openapi.json (303 to the cookie) but keeps that token out of the log', async () => {
    const reply = await fetch(`${edge.url}/docs/openapi.json?%74oken=${adminToken}`, { headers: { 'x-request-id': 'redact-encoded-1' }, redirect: 'manual' });
    expect(reply.status).toBe(303);
    expect(await eventually(() => requestLine('redact-encoded-1') !== undefined)).toBe(true);
    expect(requestLine('redact-encoded-1')).toMatchObject({ statusCode: 303, url: '/docs/openapi.json?%74oken=[REDACTED]' });
    expect(edge.logs.raw()).not.toContain(adminToken);
  });

  it('redacts x-upload-token and access_token passed in the query', async () => {
    const url = `${edge.url}/api/v1/upload/anonymous/1?x-upload-token=upload-secret-1&access_token=access-secret-1`;
    await call(url, { headers: { 'x-request-id': 'redact-upload-1' } });
    expect(await eventually(() => requestLine('redact-upload-1') !== undefined)).toBe(true);
    expect(requestLine('redact-upload-1')!['url']).toBe('/api/v1/upload/anonymous/1?x-upload-token=[REDACTED]&access_token=[REDACTED]');
    expect(edge.logs.raw()).not.toMatch(/upload-secret-1|access-secret-1/);
  });

  it('redacts userinfo from an absolute-form request target', async () => {
    const head = await rawGet(`http://someone:userinfo-secret-1@127.0.0.1/api/v1/flags`, 'redact-userinfo-1');
    expect(head).toMatch(/^HTTP\/1\.1 \d{3}/);
    expect(await eventually(() => requestLine('redact-userinfo-1') !== undefined)).toBe(true);
    expect(requestLine('redact-userinfo-1')!['url']).toBe('http://[REDACTED]@127.0.0.1/api/v1/flags');
    expect(edge.logs.raw()).not.toContain('userinfo-secret-1');
  });

  it('logs a 15.6 KB path of repeated eyJ cut at 2 KB and marked as cut, and still answers', async () => {
    const path = `/api/v1/${'eyJ'.repeat(5200)}`;
    const reply = await call(`${edge.url}${path}`, { headers: { 'x-request-id': 'redact-long-1' } });
    expect(reply.status).toBe(404);
    expect(await eventually(() => requestLine('redact-long-1') !== undefined)).toBe(true);
    expect(requestLine('redact-long-1')!['url']).toBe(`/api/v1/…[cut from ${path.length} chars]`);
  });

  it('keeps the first 2 KB of a long URL without credentials', async () => {
    const path = `/api/v1/flags/${'a'.repeat(15_000)}`;
    await call(`${edge.url}${path}`, { headers: { 'x-request-id': 'redact-long-2' } });
    expect(await eventually(() => requestLine('redact-long-2') !== undefined)).toBe(true);
    expect(requestLine('redact-long-2')!['url']).toBe(`${path.slice(0, 2048)}…[cut from ${path.length} chars]`);
  });
});
