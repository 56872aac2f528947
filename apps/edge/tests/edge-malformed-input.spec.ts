import { call, startTestStack, type Reply, type TestStack } from '@tp/testing';

/** The API's error body, with the request id of the response header. */
function expectError(reply: Reply, status: number, error: string): void {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  expect(reply.body).toMatchObject({ error, message: expect.any(String), requestId: reply.headers.get('x-request-id') });
}

describe('inputs that used to reach a 500, through the edge', () => {
  let stack: TestStack<'flags' | 'upload'>;
  let admin: string;
  let free: string;

  beforeAll(async () => {
    stack = await startTestStack({ services: ['flags', 'upload'], env: { LOG_LEVEL: 'warn' }, edge: { LOG_LEVEL: 'warn' } });
    [admin, free] = await Promise.all([stack.tokenFor('admin@example.com'), stack.tokenFor('free@example.com')]);
  });

  afterAll(() => stack?.stop());

  it('answers 400 for malformed percent-encoding in a flag key (GET /api/v1/flags/%zz)', async () => {
    expectError(await call(`${stack.edge!.url}/api/v1/flags/%zz`), 400, 'validation_failed');
  });

  it('answers 400 for a lone % as an upload id (GET /api/v1/upload/%)', async () => {
    expectError(await call(`${stack.edge!.url}/api/v1/upload/%`, { token: free }), 400, 'validation_failed');
  });

  it('answers 400 naming the field for a NUL byte in a flag key (DELETE /api/v1/flags/a%00b as admin)', async () => {
    const reply = await call(`${stack.edge!.url}/api/v1/flags/a%00b`, { method: 'DELETE', token: admin });
    expectError(reply, 400, 'validation_failed');
    expect(reply.body['message']).toMatch(/^key: must not contain the NUL character/);
  });

  it('answers 400 for a NUL byte in a JSON string bound for Postgres (a flag description)', async () => {
    const reply = await call(`${stack.edge!.url}/api/v1/flags`, { method: 'POST', token: admin, json: { key: 'nul-check', description: 'a\u0000b' } });
    expectError(reply, 400, 'validation_failed');
    expect(reply.body['message']).toMatch(/^description: /);
  });

  it('answers 415 for an upload that is multipart/mixed instead of multipart/form-data', async () => {
    const reply = await call(`${stack.edge!.url}/api/v1/upload`, {
      method: 'POST',
      token: free,
      headers: { 'content-type': 'multipart/mixed; boundary=x' },
      body: '--x\r\nContent-Type: text/plain\r\n\r\nhello\r\n--x--\r\n',
    });
    expectError(reply, 415, 'unsupported_media_type');
  });

  it('answers 405 with Allow for a method a served path does not take (PUT /api/v1/flags), at the service behind the edge', async () => {
    const reply = await call(`${stack.edge!.url}/api/v1/flags`, { method: 'PUT', token: admin, json: {} });
    expectError(reply, 405, 'method_not_allowed');
    expect(reply.headers.get('allow')).toBe('GET, HEAD, POST');
  });

  it('answers 415 for an anonymous upload sent as JSON', async () => {
    const reply = await call(`${stack.edge!.url}/api/v1/upload/anonymous`, { method: 'POST', json: { file: 'not a form' } });
    expectError(reply, 415, 'unsupported_media_type');
  });
});
