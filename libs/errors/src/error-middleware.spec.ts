import { createServiceApp, startServer, type RunningServer } from '@tp/http';
import { captureLogs, type LogCapture } from '@tp/testing';
import { ForbiddenError, TooManyRequestsError } from './http-errors';

describe('errorMiddleware', () => {
  let server: RunningServer;
  let logs: LogCapture;

  beforeAll(async () => {
    logs = captureLogs();
    const app = createServiceApp({
      logger: logs.logger,
      jsonLimit: '1kb',
      routes: (routes) => {
        routes.get('/premium-only', () => {
          throw new ForbiddenError('This tool needs the premium plan', { upgradeUrl: '/pricing' });
        });
        routes.get('/slow-down', () => {
          throw new TooManyRequestsError('Slow down', { headers: { 'retry-after': '7' } });
        });
        routes.get('/boom', () => {
          throw new Error('secret internals');
        });
        routes.get('/async-boom', async () => {
          await new Promise((resolve) => setImmediate(resolve));
          throw new Error('secret async internals');
        });
        routes.get('/items/:id', (req, res) => {
          res.json({ id: req.params['id'] });
        });
        routes.post('/echo', (req, res) => {
          res.json({ received: req.body as unknown });
        });
      },
    });
    server = await startServer(app, { port: 0, host: '127.0.0.1', logger: logs.logger });
  });

  afterAll(() => server?.close());

  const postJson = (body: string) =>
    fetch(`${server.url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('renders a thrown ForbiddenError as 403 with its upgradeUrl', async () => {
    const response = await fetch(`${server.url}/premium-only`);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({
      error: 'forbidden',
      message: 'This tool needs the premium plan',
      requestId: response.headers.get('x-request-id'),
      upgradeUrl: '/pricing',
    });
  });

  it("sets the error's headers on the response", async () => {
    const response = await fetch(`${server.url}/slow-down`);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toMatchObject({ error: 'too_many_requests', message: 'Slow down' });
  });

  it.each(['/boom', '/async-boom'])('turns an unknown error on %s into a bland 500 without internals', async (path) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: 'internal_error',
      message: 'Internal server error',
      requestId: response.headers.get('x-request-id'),
    });
    expect(text).not.toMatch(/secret|stack|at .*\.ts/);
  });

  it('logs an unknown error with its stack for the operators', async () => {
    const response = await fetch(`${server.url}/boom`);
    const requestId = response.headers.get('x-request-id');
    await response.text();
    const failure = logs.lines().find((line) => line['msg'] === 'Request failed' && line['requestId'] === requestId);
    expect(failure).toMatchObject({ level: 'error', err: { message: 'secret internals' } });
    expect((failure?.['err'] as { stack?: string }).stack).toContain('secret internals');
  });

  it.each(['%zz', '%', '%E0%A4%A'])('answers 400 validation_failed for the malformed percent-encoding %s in a path parameter', async (raw) => {
    const response = await fetch(`${server.url}/items/${raw}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'validation_failed',
      message: 'The URL path has malformed percent-encoding',
      requestId: response.headers.get('x-request-id'),
    });
  });

  it('answers 400 validation_failed for a body that is not valid JSON', async () => {
    const response = await postJson('{"broken": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'validation_failed',
      message: 'Request body is not valid JSON',
      requestId: response.headers.get('x-request-id'),
    });
  });

  it('accepts a JSON body under the limit', async () => {
    const response = await postJson(JSON.stringify({ text: 'x'.repeat(500) }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: { text: 'x'.repeat(500) } });
  });

  it('answers 413 payload_too_large for a JSON body over the limit', async () => {
    const response = await postJson(JSON.stringify({ text: 'x'.repeat(2048) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: 'payload_too_large',
      message: 'Request body is too large',
      requestId: response.headers.get('x-request-id'),
    });
  });

  it('answers 404 not_found for an unknown route with the request id of the response header', async () => {
    const response = await fetch(`${server.url}/no/such/route`);
    expect(response.status).toBe(404);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({
      error: 'not_found',
      message: 'No route for GET /no/such/route',
      requestId,
    });
  });

  it('answers 405 with Allow for a served path asked with another method', async () => {
    const response = await fetch(`${server.url}/items/7`, { method: 'PUT' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(await response.json()).toMatchObject({ error: 'method_not_allowed', requestId: response.headers.get('x-request-id') });
  });

  it('uses the caller-supplied request id in the error body', async () => {
    const response = await fetch(`${server.url}/no/such/route`, { headers: { 'x-request-id': 'caller-id-0001' } });
    expect(response.headers.get('x-request-id')).toBe('caller-id-0001');
    expect(await response.json()).toMatchObject({ requestId: 'caller-id-0001' });
  });
});
