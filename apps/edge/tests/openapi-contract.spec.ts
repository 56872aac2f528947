import { apiDocument, ResponseValidator, type CheckedReply } from '@tp/testing';

const EDGE = 'http://127.0.0.1:4000';

function reply(status: number, body: unknown, headers: Record<string, string> = {}): CheckedReply {
  const text = body === undefined ? '' : JSON.stringify(body);
  return { status, text, headers: new Headers({ ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers }) };
}

const errorBody = { error: 'not_found', message: 'No route', requestId: 'a1b2c3d4-0000' };

describe('the response validator of the e2e harness (call() through an edge)', () => {
  let validator: ResponseValidator;

  beforeAll(async () => {
    validator = new ResponseValidator(await apiDocument());
  });

  it('accepts a documented status with a body that matches its schema', () => {
    const flags = { flags: [{ key: 'ads', enabled: true, reason: 'STATIC' }] };
    expect(validator.problems('GET', `${EDGE}/api/v1/flags`, reply(200, flags, { etag: '"abc"' }))).toEqual([]);
  });

  it('fails an undocumented status', () => {
    expect(validator.problems('GET', `${EDGE}/api/v1/flags/ads`, reply(418, errorBody))).toEqual([expect.stringMatching(/answered 418, which it does not document/)]);
  });

  it('fails a field the schema does not declare', () => {
    const flags = { flags: [{ key: 'ads', enabled: true, reason: 'STATIC', secret: 'x' }] };
    expect(validator.problems('GET', `${EDGE}/api/v1/flags`, reply(200, flags))).toEqual([expect.stringMatching(/must NOT have additional properties.*secret/)]);
  });

  it('fails an error answer that is not the shared error body', () => {
    expect(validator.problems('GET', `${EDGE}/api/v1/user/profile`, reply(401, { message: 'nope' }))).not.toEqual([]);
  });

  it('fails a media type the response does not declare', () => {
    const html = { status: 200, text: '<html></html>', headers: new Headers({ 'content-type': 'text/html' }) };
    expect(validator.problems('GET', `${EDGE}/api/v1/user/limits`, html)).toEqual([expect.stringMatching(/content type text\/html is not one of application\/json/)]);
  });

  it('fails a documented header with a value its schema refuses', () => {
    const problems = validator.problems('GET', `${EDGE}/api/v1/user/limits`, reply(429, { ...errorBody, error: 'too_many_requests' }, { 'retry-after': 'soon' }));
    expect(problems).toEqual([expect.stringMatching(/^header Retry-After must match pattern/)]);
  });

  it('lets an undocumented route answer only an error with the shared body', () => {
    expect(validator.problems('GET', `${EDGE}/no/such/route`, reply(404, errorBody))).toEqual([]);
    expect(validator.problems('GET', `${EDGE}/no/such/route`, reply(200, {}))).toEqual([expect.stringMatching(/not a documented operation/)]);
  });

  it('matches a concrete path before a templated one (/docs/openapi.json, not /docs/{asset})', () => {
    expect(validator.problems('GET', `${EDGE}/docs/openapi.json?token=x`, reply(200, { openapi: '3.1.0' }))).toEqual([]);
  });
});
