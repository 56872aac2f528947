import { createServiceApp, startServer, type RunningServer } from '@tp/http';
import { captureLogs, eventually, openRequest, type LogCapture } from '@tp/testing';
import { setRequestUser } from './request-context';

describe('createRequestLogger', () => {
  let server: RunningServer;
  let logs: LogCapture;
  // Requests a route holds open (by request id): the client may leave once its handler runs.
  const held = new Set<string>();

  beforeAll(async () => {
    logs = captureLogs('logging-test');
    const app = createServiceApp({
      logger: logs.logger,
      routes: (routes) => {
        routes.get('/things', (_req, res) => {
          res.json({ ok: true });
        });
        routes.get('/me', async (_req, res) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          setRequestUser('user-42');
          res.json({ ok: true });
        });
        routes.get('/docs', (_req, res) => {
          res.send('docs');
        });
        routes.get('/chatty', async (req, res) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          req.log.info({ headers: { authorization: 'Bearer secret-inside-value' }, step: 'inside' }, 'Working on it');
          res.json({ ok: true });
        });
        routes.get('/broken', () => {
          throw new Error('kaput');
        });
        routes.get('/held', (req) => {
          held.add(String(req.id));
        });
        routes.get('/held-failing', (req, res) => {
          res.status(500);
          held.add(String(req.id));
        });
        routes.get('/streaming', (req, res) => {
          res.writeHead(202, { 'content-type': 'text/plain' });
          res.write('first part');
          held.add(String(req.id));
        });
      },
    });
    server = await startServer(app, { port: 0, host: '127.0.0.1', logger: logs.logger });
  });

  afterAll(() => server?.close());

  /** The request log lines written for one response, found by its request id. */
  async function requestLines(path: string, init?: RequestInit) {
    const response = await fetch(`${server.url}${path}`, init);
    await response.arrayBuffer();
    // pino-http writes the line on the response's `finish`, which can trail the client's last byte.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const requestId = response.headers.get('x-request-id');
    const lines = logs.lines().filter((line) => line['requestId'] === requestId && line['msg'] === 'Request completed');
    return { response, requestId, lines };
  }

  it('writes one flat line per request', async () => {
    const { requestId, lines } = await requestLines('/things?page=2');
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toMatchObject({
      level: 'info',
      service: 'logging-test',
      requestId,
      method: 'GET',
      url: '/things?page=2',
      statusCode: 200,
      msg: 'Request completed',
    });
    expect(typeof line['time']).toBe('string');
    expect(new Date(line['time'] as string).toISOString()).toBe(line['time']);
    expect(typeof line['responseTime']).toBe('number');
    expect(line).not.toHaveProperty('userId');
    expect(line).not.toHaveProperty('aborted');
    expect(line).not.toHaveProperty('req');
    expect(line).not.toHaveProperty('res');
  });

  it('carries the userId recorded by setRequestUser in the route', async () => {
    const { lines } = await requestLines('/me');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ userId: 'user-42', statusCode: 200, level: 'info' });
  });

  it('logs failed requests at error level with the status code', async () => {
    const { lines } = await requestLines('/broken');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', statusCode: 500, url: '/broken' });
  });

  it('never writes the Authorization header or a token in the query string', async () => {
    const before = logs.raw().length;
    const { lines } = await requestLines('/docs?token=secret-query-value&lang=en', {
      headers: { authorization: 'Bearer secret-header-value', cookie: 'session=secret-cookie-value' },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]!['url']).toBe('/docs?token=[REDACTED]&lang=en');
    const written = logs.raw().slice(before);
    expect(written).not.toContain('secret-header-value');
    expect(written).not.toContain('secret-query-value');
    expect(written).not.toContain('secret-cookie-value');
    expect(logs.raw()).not.toMatch(/secret-(header|query|cookie)-value/);
  });

  it('tags a line logged while serving the request with its requestId, and still redacts it', async () => {
    const { requestId, lines } = await requestLines('/chatty');
    expect(lines).toHaveLength(1);
    const inside = logs.lines().filter((line) => line['msg'] === 'Working on it' && line['requestId'] === requestId);
    expect(inside).toHaveLength(1);
    expect(inside[0]).toMatchObject({ step: 'inside', headers: { authorization: '[REDACTED]' } });
    expect(logs.raw()).not.toContain('secret-inside-value');
  });

  it('gives a failed request line the error type and message only', async () => {
    const { lines } = await requestLines('/broken');
    expect(Object.keys(lines[0]!['err'] as object).sort()).toEqual(['message', 'stack', 'type']);
  });

  it('writes no line for health probes', async () => {
    const before = logs.lines().length;
    for (const path of ['/health', '/health/ready', '/health?probe=1']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    // A logged request after the probes proves the writes would have arrived by now.
    const { lines } = await requestLines('/things');
    expect(lines).toHaveLength(1);
    expect(logs.lines().slice(before)).toEqual(lines);
  });

  describe('a client that goes away before the response ends', () => {
    const rawGet = (path: string, requestId: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: ${requestId}\r\n\r\n`;
    const linesOf = (requestId: string) => logs.lines().filter((line) => line['requestId'] === requestId);

    /** Opens `path`, leaves once its handler holds the request (and, with `afterHead`, once the head arrived), and returns the request's log lines. */
    async function leaveEarly(path: string, requestId: string, afterHead = false) {
      const client = openRequest(server.url, rawGet(path, requestId));
      await eventually(() => held.has(requestId));
      if (afterHead) expect(await client.firstBytes).toMatch(/^HTTP\/1\.1 202 /);
      await client.cut();
      await eventually(() => linesOf(requestId).length > 0);
      // Time for a second line, were one (wrongly) written on another event.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return linesOf(requestId);
    }

    it('writes one "Request aborted" line at info with status 499 when no header was sent', async () => {
      const lines = await leaveEarly('/held', 'aborted-before-head-1');
      expect(lines).toEqual([
        expect.objectContaining({ level: 'info', msg: 'Request aborted', statusCode: 499, aborted: true, method: 'GET', url: '/held' }),
      ]);
      expect(typeof lines[0]!['responseTime']).toBe('number');
    });

    it('states the status that went out when the client leaves mid-body', async () => {
      const lines = await leaveEarly('/streaming', 'aborted-mid-body-1', true);
      expect(lines).toEqual([expect.objectContaining({ level: 'info', msg: 'Request aborted', statusCode: 202, aborted: true })]);
    });

    it('reads a 5xx set but never sent as 499 at info, without an error', async () => {
      const lines = await leaveEarly('/held-failing', 'aborted-unsent-500-1');
      expect(lines).toEqual([expect.objectContaining({ level: 'info', msg: 'Request aborted', statusCode: 499, aborted: true })]);
      expect(lines[0]).not.toHaveProperty('err');
    });
  });
});
