import { captureLogs, rawRequest, type LogCapture } from '@tp/testing';
import { clientErrorAnswer } from './client-errors';
import { createServiceApp } from './create-service-app';
import { startServer, type RunningServer } from './start-server';

describe('clientErrorAnswer', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408],
    ['HPE_INVALID_METHOD', 400],
    ['HPE_INVALID_HEADER_TOKEN', 400],
    [undefined, 400],
  ])('answers Node code %s with %i', (code, status) => {
    expect(clientErrorAnswer(code).status).toBe(status);
  });
});

describe('a service server (startServer) refusing what never reaches Express', () => {
  let server: RunningServer;
  let logs: LogCapture;

  beforeAll(async () => {
    logs = captureLogs();
    const app = createServiceApp({ logger: logs.logger, routes: () => undefined });
    server = await startServer(app, { port: 0, host: '127.0.0.1', logger: logs.logger, headersTimeoutMs: 500, requestTimeoutMs: 500 });
  });

  afterAll(() => server?.close());

  it('answers an unknown method with the JSON error body, Connection: close and a warn log line', async () => {
    const answer = await rawRequest(server.url, 'BREW /health HTTP/1.1\r\nHost: s\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.headers['connection']).toBe('close');
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    expect(body).toEqual({ error: 'bad_request', message: 'Unknown HTTP method', requestId: answer.headers['x-request-id'] });
    expect(logs.lines()).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'Client error answered by the HTTP layer', requestId: body['requestId'], status: 400 }));
  });

  it('answers headers that never finish within headersTimeout with 408 JSON', async () => {
    const answer = await rawRequest(server.url, 'GET /health HTTP/1.1\r\nHost: s\r\n', 5000);
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'request_timeout', requestId: answer.headers['x-request-id'] });
  });

  it('writes nothing into a response whose headers are already sent: pipelined garbage only closes the connection', async () => {
    const answer = await rawRequest(server.url, 'GET /health HTTP/1.1\r\nHost: s\r\n\r\nGARBAGE\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('{"status":"ok"}');
  });
});
