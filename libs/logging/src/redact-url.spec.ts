import { MAX_LOGGED_URL_LENGTH, redactUrl } from './redact-url';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJlLXZhbHVl';

describe('redactUrl', () => {
  it('leaves a URL without credentials as it is', () => {
    expect(redactUrl('/api/v1/flags?anonymousId=abc-123&page=2')).toBe('/api/v1/flags?anonymousId=abc-123&page=2');
    expect(redactUrl('/health')).toBe('/health');
  });

  it.each([
    ['the plain name', '/docs?token=secret-value&lang=en', '/docs?token=[REDACTED]&lang=en'],
    ['a percent-encoded name', '/docs/openapi.json?%74oken=secret-value', '/docs/openapi.json?%74oken=[REDACTED]'],
    ['a fully encoded name', '/docs?%74%6F%6B%65%6E=secret-value', '/docs?%74%6F%6B%65%6E=[REDACTED]'],
    ['a double-encoded name', '/docs?%2574oken=secret-value', '/docs?%2574oken=[REDACTED]'],
    ['upper case', '/docs?TOKEN=secret-value', '/docs?TOKEN=[REDACTED]'],
    ['an array name', '/docs?token[]=secret-value', '/docs?token[]=[REDACTED]'],
    ['a nested name', '/docs?auth[token]=secret-value', '/docs?auth[token]=[REDACTED]'],
    ['a repeated name', '/docs?token=a&token=secret-value', '/docs?token=[REDACTED]&token=[REDACTED]'],
    ['a semicolon separator', '/docs?lang=en;token=secret-value', '/docs?lang=en;token=[REDACTED]'],
    ['access_token', '/cb?access_token=secret-value', '/cb?access_token=[REDACTED]'],
    ['Access-Token', '/cb?Access-Token=secret-value', '/cb?Access-Token=[REDACTED]'],
    ['x-upload-token', '/api/v1/upload/anonymous/1?x-upload-token=secret-value', '/api/v1/upload/anonymous/1?x-upload-token=[REDACTED]'],
    ['client_secret', '/t?client_id=app&client_secret=secret-value', '/t?client_id=app&client_secret=[REDACTED]'],
    ['password', '/t?username=a&password=secret-value', '/t?username=a&password=[REDACTED]'],
    ['an S3 presigned signature', '/o?X-Amz-Signature=secret-value', '/o?X-Amz-Signature=[REDACTED]'],
  ])('redacts a secret query parameter given by %s', (_label, url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('redacts userinfo of an absolute or protocol-relative URL', () => {
    expect(redactUrl('http://user:secret-value@example.com/x?a=1')).toBe('http://[REDACTED]@example.com/x?a=1');
    expect(redactUrl('//user:secret-value@example.com/x')).toBe('//[REDACTED]@example.com/x');
  });

  it('redacts a JWT wherever it appears, whatever the parameter is called', () => {
    expect(redactUrl(`/api/v1/flags?anonymousId=${JWT}`)).toBe('/api/v1/flags?anonymousId=[REDACTED]');
    expect(redactUrl(`/files/${JWT}/download`)).toBe('/files/[REDACTED]/download');
  });

  it('redacts secret parameters in a fragment', () => {
    expect(redactUrl('/cb#access_token=secret-value&state=1')).toBe('/cb#access_token=[REDACTED]&state=1');
  });

  it('copes with malformed escapes in a name', () => {
    expect(redactUrl('/docs?%E0%74oken%=1&%74oken=secret-value')).toBe('/docs?%E0%74oken%=1&%74oken=[REDACTED]');
  });

  it('redacts a JWT glued to other characters, and each of several JWTs in one path segment', () => {
    expect(redactUrl(`/files/abc${JWT}/x`)).toBe('/files/abc[REDACTED]/x');
    expect(redactUrl(`/files/${JWT}.${JWT}`)).toBe('/files/[REDACTED].[REDACTED]');
    expect(redactUrl(`/files/${JWT}..${JWT}`)).toBe('/files/[REDACTED]..[REDACTED]');
  });

  it('keeps what only looks like the start of a JWT', () => {
    expect(redactUrl('/files/eyJabcd.eyJabcdef.x')).toBe('/files/eyJabcd.eyJabcdef.x');
    expect(redactUrl('/files/eyJabcdef.abcd.x')).toBe('/files/eyJabcdef.abcd.x');
    expect(redactUrl('/files/eyJabcdef.abcdef')).toBe('/files/eyJabcdef.abcdef');
  });

  it('cuts a URL longer than 2 KB and says how long it was', () => {
    const url = `/${'a'.repeat(15_999)}`;
    expect(redactUrl(url)).toBe(`${url.slice(0, MAX_LOGGED_URL_LENGTH)}…[cut from 16000 chars]`);
    expect(MAX_LOGGED_URL_LENGTH).toBe(2048);
    expect(redactUrl(`/${'a'.repeat(MAX_LOGGED_URL_LENGTH - 1)}`)).toBe(`/${'a'.repeat(MAX_LOGGED_URL_LENGTH - 1)}`);
  });

  it('drops a path segment of repeated eyJ that the cut splits, as it could be a JWT', () => {
    expect(redactUrl(`/files/${'eyJ'.repeat(5331)}`)).toBe('/files/…[cut from 16000 chars]');
  });

  it('keeps no part of a secret that the cut splits', () => {
    const padding = `/${'p'.repeat(MAX_LOGGED_URL_LENGTH - 31)}`;
    const jwt = redactUrl(`${padding}/${JWT}/${'q'.repeat(3000)}`);
    expect(jwt).toBe(`${padding}/…[cut from ${padding.length + 1 + JWT.length + 3001} chars]`);
    const query = redactUrl(`${padding}/x?token=${'s'.repeat(3000)}&rest=1`);
    expect(query).toMatch(/\/x\?token=\[REDACTED\]…\[cut from \d+ chars\]$/);
    const userinfo = redactUrl(`//user:${'s'.repeat(3000)}@example.com/x`);
    expect(userinfo).toBe('//[REDACTED]@example.com/x');
  });

  it('keeps the logged URL within 2 KB even when redaction makes it longer', () => {
    const logged = redactUrl(`/x?${'token=1&'.repeat(1000)}`);
    expect(logged.startsWith('/x?token=[REDACTED]&token=[REDACTED]&')).toBe(true);
    expect(logged).toMatch(new RegExp(`^.{${MAX_LOGGED_URL_LENGTH}}…\\[cut from 8003 chars\\]$`));
  });
});
