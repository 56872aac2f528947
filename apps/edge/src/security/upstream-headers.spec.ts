import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import { forwardHeaders, restoreClientHeaders, UPSTREAM_HEADERS } from './upstream-headers';

/** Runs forwardHeaders on a request as Express resolved it; returns what the proxy would copy. */
function forward(headers: IncomingHttpHeaders, seen: { ip?: string; protocol?: string; host?: string } = {}) {
  const req = { headers, ip: '203.0.113.9', protocol: 'https', host: 'api.example.com', ...seen } as unknown as Request;
  const res = { locals: {} } as unknown as Response;
  const next = jest.fn();
  forwardHeaders()(req, res, next);
  expect(next).toHaveBeenCalledWith();
  return { req, res, upstream: req.headers };
}

describe('forwardHeaders', () => {
  it('passes every allow-listed header through unchanged', () => {
    const headers = Object.fromEntries([...UPSTREAM_HEADERS].map((name) => [name, `value of ${name}`]));
    const { upstream } = forward(headers);
    for (const name of UPSTREAM_HEADERS) expect(upstream[name]).toBe(`value of ${name}`);
  });

  it('drops identity-looking, proxy and invented headers and cookies', () => {
    const { upstream } = forward({
      'x-user-id': 'admin',
      'x-remote-user': 'admin',
      forwarded: 'for=1.2.3.4',
      'x-real-ip': '1.2.3.4',
      cookie: 'session=1',
      'x-invented': 'yes',
      accept: 'application/json',
    });
    expect(upstream).toEqual({
      accept: 'application/json',
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
    });
  });

  it("names only the client the edge resolved, never the client's own X-Forwarded chain", () => {
    const { upstream } = forward(
      { 'x-forwarded-for': '10.9.9.9, 1.2.3.4', 'x-forwarded-proto': 'gopher', 'x-forwarded-host': 'evil.example' },
      { ip: '198.51.100.4', protocol: 'http', host: 'edge.local' },
    );
    expect(upstream).toEqual({ 'x-forwarded-for': '198.51.100.4', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'edge.local' });
  });

  it('sends no X-Forwarded-For or -Host the edge could not resolve', () => {
    const { upstream } = forward({}, { ip: undefined, host: undefined });
    expect(upstream).toEqual({ 'x-forwarded-proto': 'https' });
    expect(forward({}, { ip: '', host: '' }).upstream).toEqual({ 'x-forwarded-proto': 'https' });
  });

  it("puts the client's own headers back once the upstream request is built", () => {
    const original = { connection: 'close', accept: '*/*' };
    const { req, res } = forward(original);
    expect(req.headers).not.toBe(original);
    restoreClientHeaders(req as unknown as IncomingMessage, res);
    expect(req.headers).toBe(original);
  });

  it('leaves a request that was never forwarded as it is', () => {
    const headers = { accept: '*/*' };
    const req = { headers } as unknown as IncomingMessage;
    restoreClientHeaders(req, { locals: {} } as unknown as Response);
    expect(req.headers).toBe(headers);
  });
});
