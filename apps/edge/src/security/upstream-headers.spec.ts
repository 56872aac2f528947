import type { IncomingHttpHeaders } from 'node:http';
import type { Request } from 'express';
import { UPSTREAM_HEADERS, upstreamHeaders } from './upstream-headers';

/** The headers the hop sends for a request as Express resolved it (Host of the service left out). */
function forward(headers: IncomingHttpHeaders, seen: { ip?: string; protocol?: string; host?: string } = {}, body?: Buffer) {
  const req = { headers, ip: '203.0.113.9', protocol: 'https', host: 'api.example.com', ...seen } as unknown as Request;
  const { host, ...upstream } = upstreamHeaders(req, 'user:4001', body, undefined);
  return { req, host, upstream: upstream as Record<string, unknown> };
}

describe('upstreamHeaders', () => {
  it("sends an untraced request's own not-sampled traceparent in place of the client's, and no tracestate", () => {
    const req = { headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=1' }, ip: '203.0.113.9', protocol: 'https', host: 'api.example.com' } as unknown as Request;
    const untraced = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00';
    const upstream = upstreamHeaders(req, 'user:4001', undefined, untraced) as Record<string, unknown>;
    expect(upstream['traceparent']).toBe(untraced);
    expect(upstream).not.toHaveProperty('tracestate');
  });

  it("passes a traced request's trace headers on for the instrumentation to replace", () => {
    const { upstream } = forward({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=1' });
    expect(upstream['traceparent']).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(upstream['tracestate']).toBe('vendor=1');
  });

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

  it('names the service as Host and leaves the client request untouched', () => {
    const original = { host: 'api.example.com', connection: 'close', accept: '*/*' };
    const { req, host, upstream } = forward(original);
    expect(host).toBe('user:4001');
    expect(upstream['connection']).toBeUndefined();
    expect(req.headers).toBe(original);
    expect(req.headers).toEqual({ host: 'api.example.com', connection: 'close', accept: '*/*' });
  });

  it('sends a body the edge read with its exact length and never chunked', () => {
    const body = Buffer.from('{"a":1}');
    const { upstream } = forward({ 'transfer-encoding': 'chunked', 'content-type': 'application/json' }, {}, body);
    expect(upstream['content-length']).toBe(7);
    expect(upstream['transfer-encoding']).toBeUndefined();
  });

  it('keeps a streamed body as the client framed it', () => {
    const { upstream } = forward({ 'transfer-encoding': 'chunked' });
    expect(upstream['transfer-encoding']).toBe('chunked');
    expect(upstream['content-length']).toBeUndefined();
  });
});
