import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import cors from 'cors';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import { corsPolicy } from './cors-policy';
import { helmetHeaders, securityHeaders } from './security-headers';

/** A real server answering 200 after `middleware`, to compare the headers two setups send. */
async function serve(middleware: RequestHandler): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(middleware);
  app.use((_req, res) => {
    res.json({ ok: true });
  });
  const server: Server = await new Promise((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/user/profile`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The response headers that differ between servers for reasons other than the middleware. */
function headersOf(response: Response): Record<string, string> {
  const headers = Object.fromEntries(response.headers.entries());
  delete headers['date'];
  delete headers['etag'];
  return headers;
}

async function sameHeaders(ours: RequestHandler, reference: RequestHandler, init: RequestInit = {}) {
  const [a, b] = await Promise.all([serve(ours), serve(reference)]);
  try {
    const [fromOurs, fromReference] = await Promise.all([fetch(a.url, init), fetch(b.url, init)]);
    expect(fromOurs.status).toBe(fromReference.status);
    expect(headersOf(fromOurs)).toEqual(headersOf(fromReference));
    return headersOf(fromOurs);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

describe('securityHeaders', () => {
  it('sends exactly the headers helmet sends per request', async () => {
    const reference = helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
      },
      frameguard: { action: 'deny' },
      strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
      crossOriginResourcePolicy: { policy: 'same-site' },
    }) as RequestHandler;
    const headers = await sameHeaders(securityHeaders(), reference);
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['x-frame-options']).toBe('DENY');
  });

  it('computes the helmet headers once, with values only', () => {
    const headers = helmetHeaders();
    expect(headers.length).toBeGreaterThan(8);
    expect(new Map(headers).get('Strict-Transport-Security')).toBe('max-age=31536000; includeSubDomains');
  });
});

describe('corsPolicy', () => {
  const reference = cors({
    origin: (origin, callback) => callback(null, origin === 'https://app.example.com'),
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    // tus 1.0's request headers, and the ones its answers carry.
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'If-None-Match', 'Tus-Resumable', 'Upload-Length', 'Upload-Offset', 'Upload-Metadata', 'Upload-Defer-Length', 'Upload-Concat'],
    exposedHeaders: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'ETag', 'Location', 'Upload-Offset', 'Upload-Length', 'Upload-Expires', 'Tus-Resumable', 'Tus-Version', 'Tus-Extension', 'Tus-Max-Size'],
    maxAge: 600,
  });
  const ours = () => corsPolicy(['https://app.example.com']);

  it('gives a request from an allowed origin the headers cors gives it', async () => {
    const headers = await sameHeaders(ours(), reference, { headers: { origin: 'https://app.example.com' } });
    expect(headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(headers['access-control-allow-credentials']).toBe('true');
    expect(headers['access-control-expose-headers']).toBe('X-Request-Id,RateLimit,RateLimit-Policy,Retry-After,ETag,Location,Upload-Offset,Upload-Length,Upload-Expires,Tus-Resumable,Tus-Version,Tus-Extension,Tus-Max-Size');
    expect(headers['vary']).toBe('Origin');
  });

  it.each([
    ['another origin', { origin: 'https://evil.example.com' }],
    ['no origin', {}],
  ])('gives a request from %s no CORS headers, like cors', async (_label, headers) => {
    const sent = await sameHeaders(ours(), reference, { headers });
    expect(Object.keys(sent).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('answers a preflight exactly like cors', async () => {
    const headers = await sameHeaders(ours(), reference, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' },
    });
    expect(headers['access-control-max-age']).toBe('600');
  });

  it("answers any origin with '*' when every origin is allowed (development)", async () => {
    const headers = await sameHeaders(corsPolicy(['*']), cors({ origin: '*', exposedHeaders: 'X-Request-Id,RateLimit,RateLimit-Policy,Retry-After,ETag,Location,Upload-Offset,Upload-Length,Upload-Expires,Tus-Resumable,Tus-Version,Tus-Extension,Tus-Max-Size' }), {
      headers: { origin: 'https://anything.example.com' },
    });
    expect(headers['access-control-allow-origin']).toBe('*');
  });
});
