import { eventually, rawRequest, startTestStack, type RawAnswer, type TestStack } from '@tp/testing';

const BIG = 'a'.repeat(17 * 1024);

/** The API's error body with the request id of its header, on a connection the server closes. */
function expectApiError(answer: RawAnswer, status: number, error: string): string {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(answer.headers['connection']).toBe('close');
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(body).toEqual({ error, message: expect.any(String), requestId: answer.headers['x-request-id'] });
  expect(answer.closed).toBe(true);
  return String(body['requestId']);
}

describe('what Node answers itself at the edge, before Express (raw sockets on its real port)', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ edge: { LOG_LEVEL: 'warn' } });
  });

  afterAll(() => stack?.stop());

  const send = (request: string) => rawRequest(stack.edge!.url, request);

  /** The edge logged the refusal with the request id it answered with. */
  async function expectLogLine(requestId: string, status: number): Promise<void> {
    const line = () => stack.edge!.output().split('\n').find((candidate) => candidate.includes(requestId) && candidate.includes('Client error answered'));
    await eventually(() => line() !== undefined);
    expect(JSON.parse(line()!)).toMatchObject({ level: 'warn', status, requestId, msg: 'Client error answered by the HTTP layer' });
  }

  it('answers a URL over 16 KB with 431 JSON and a log line', async () => {
    const answer = await send(`GET /api/v1/flags/${BIG} HTTP/1.1\r\nHost: edge\r\n\r\n`);
    await expectLogLine(expectApiError(answer, 431, 'request_header_fields_too_large'), 431);
  });

  it('answers headers over 16 KB with 431 JSON', async () => {
    const answer = await send(`GET /health HTTP/1.1\r\nHost: edge\r\nX-Big: ${BIG}\r\n\r\n`);
    expectApiError(answer, 431, 'request_header_fields_too_large');
  });

  it('answers an unknown method (BREW) with 400 JSON', async () => {
    const answer = await send('BREW /health HTTP/1.1\r\nHost: edge\r\n\r\n');
    await expectLogLine(expectApiError(answer, 400, 'bad_request'), 400);
  });

  it('answers a request with both Content-Length and Transfer-Encoding (smuggling shape) with 400 JSON', async () => {
    const answer = await send('POST /api/v1/flags HTTP/1.1\r\nHost: edge\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    expectApiError(answer, 400, 'bad_request');
  });

  it('answers a header line without a colon with 400 JSON', async () => {
    expectApiError(await send('GET /health HTTP/1.1\r\nHost: edge\r\nno colon here\r\n\r\n'), 400, 'bad_request');
  });

  it('answers Expect: bogus with 417 JSON, echoing a sane x-request-id', async () => {
    const answer = await send('GET /health HTTP/1.1\r\nHost: edge\r\nExpect: bogus\r\nX-Request-Id: expect-check-0001\r\n\r\n');
    expect(expectApiError(answer, 417, 'expectation_failed')).toBe('expect-check-0001');
    await expectLogLine('expect-check-0001', 417);
  });

  it('answers CONNECT with 405 JSON and an Allow header instead of closing silently', async () => {
    const answer = await send('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expectApiError(answer, 405, 'method_not_allowed');
    expect(answer.headers['allow']).toContain('GET');
  });

  it('still serves a well-formed request after all of these', async () => {
    const answer = await send('GET /health HTTP/1.1\r\nHost: edge\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ status: 'ok' });
  });
});
