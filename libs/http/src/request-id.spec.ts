import { request } from 'node:http';
import { captureLogs } from '@tp/testing';
import { getRequestContext } from '@tp/logging';
import { createServiceApp } from './create-service-app';
import { pickRequestId, REQUEST_ID_HEADER } from './request-id';
import { startServer, type RunningServer } from './start-server';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdMiddleware', () => {
  let server: RunningServer;

  beforeAll(async () => {
    const { logger } = captureLogs();
    const app = createServiceApp({
      logger,
      routes: (routes) => {
        routes.get('/ids', async (req, res) => {
          await new Promise((resolve) => setImmediate(resolve));
          res.json({
            reqId: req.id,
            header: req.headers[REQUEST_ID_HEADER],
            contextId: getRequestContext()?.requestId,
          });
        });
      },
    });
    server = await startServer(app, { port: 0, host: '127.0.0.1', logger });
  });

  afterAll(() => server?.close());

  /** node:http rather than fetch, so header values fetch would refuse can still be sent raw. */
  function get(headers: Record<string, string>): Promise<{ status: number; id: string; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = request(`${server.url}/ids`, { headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, id: String(res.headers[REQUEST_ID_HEADER]), body: JSON.parse(text) }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('echoes a sane incoming x-request-id and uses it everywhere in the request', async () => {
    const { status, id, body } = await get({ 'x-request-id': 'abc-123-def-456' });
    expect(status).toBe(200);
    expect(id).toBe('abc-123-def-456');
    expect(body).toEqual({ reqId: 'abc-123-def-456', header: 'abc-123-def-456', contextId: 'abc-123-def-456' });
  });

  it('generates a UUID when the caller sent none', async () => {
    const { id, body } = await get({});
    expect(id).toMatch(UUID);
    expect(body).toEqual({ reqId: id, header: id, contextId: id });
  });

  it.each([
    ['with a space', 'bad id 12345'],
    ['with HTML', '<script>alert(1)</script>'],
    ['300 characters long', 'a'.repeat(300)],
    ['too short', 'abc'],
  ])('replaces an incoming id %s by a UUID', async (_label, incoming) => {
    const { id, body } = await get({ 'x-request-id': incoming });
    expect(id).toMatch(UUID);
    expect(id).not.toBe(incoming);
    expect(body['header']).toBe(id);
  });

  it('gives each request its own generated id', async () => {
    const [first, second] = await Promise.all([get({}), get({})]);
    expect(first.id).not.toBe(second.id);
    expect(first.body['contextId']).toBe(first.id);
    expect(second.body['contextId']).toBe(second.id);
  });
});

describe('pickRequestId', () => {
  it.each([
    ['a dashed id', 'abc-123-def-456'],
    ['dots, colons and underscores', 'req_01.ABC:xyz'],
    ['128 characters', 'a'.repeat(128)],
  ])('keeps a sane id: %s', (_label, incoming) => {
    expect(pickRequestId(incoming)).toBe(incoming);
  });

  it.each([
    ['a space and a newline', 'bad id\n'],
    ['a trailing newline', 'bad-id-123\n'],
    ['a header injection', 'line\r\nInjected: yes'],
    ['HTML', '<script>'],
    ['300 characters', 'a'.repeat(300)],
    ['129 characters', 'a'.repeat(129)],
    ['nothing', ''],
  ])('replaces an id with %s by a UUID', (_label, incoming) => {
    expect(pickRequestId(incoming)).toMatch(UUID);
  });

  it('replaces a repeated header (an array) by a UUID', () => {
    expect(pickRequestId(['abc-123-def-456', 'abc-123-def-457'])).toMatch(UUID);
    expect(pickRequestId(undefined)).toMatch(UUID);
  });
});
