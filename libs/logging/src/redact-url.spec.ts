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

  it.each([
    'token', 'access_token', 'id_token', 'refresh_token', 'x-upload-token', 'upload_token', 'code', 'client_secret', 'secret',
    'password', 'passwd', 'pwd', 'api_key', 'auth', 'authorization', 'jwt', 'bearer', 'signature', 'sig', 'session',
    'session_id', 'paddle-signature', 'X-Amz-Signature', 'X-Amz-Credential', 'X-Amz-Security-Token',
  ])('redacts the credential parameter %s', (name) => {
    expect(redactUrl(`/x?a=1&${name}=secret-value&b=2`)).toBe(`/x?a=1&${name}=[REDACTED]&b=2`);
  });

  it('keeps parameters whose names only contain a secret word', () => {
    expect(redactUrl('/x?tokens=1&passcode=2&author=3&codec=4')).toBe('/x?tokens=1&passcode=2&author=3&codec=4');
  });

  it('reads `+` and spaces in a name as a query parser does, and a name part after a dot', () => {
    expect(redactUrl('/x?access+token=secret-value')).toBe('/x?access+token=[REDACTED]');
    expect(redactUrl('/x?access%20token=secret-value')).toBe('/x?access%20token=[REDACTED]');
    expect(redactUrl('/x?user.password=secret-value')).toBe('/x?user.password=[REDACTED]');
    expect(redactUrl('/x?%20token%20=secret-value')).toBe('/x?%20token%20=[REDACTED]');
  });

  it('decodes a name up to three times, so a triple-encoded name is still read', () => {
    expect(redactUrl('/x?%252574oken=secret-value')).toBe('/x?%252574oken=[REDACTED]');
  });

  it('keeps a parameter without a value and empty pairs as they are', () => {
    expect(redactUrl('/x?token&&a=1;;')).toBe('/x?token&&a=1;;');
    expect(redactUrl('/x?token[]&auth[]')).toBe('/x?token[]&auth[]');
    expect(redactUrl('/x?token=')).toBe('/x?token=[REDACTED]');
  });

  it('redacts in the query and the fragment of one URL, each by its own parameters', () => {
    expect(redactUrl('/cb?code=abc&state=1#token=def&x=2')).toBe('/cb?code=[REDACTED]&state=1#token=[REDACTED]&x=2');
  });

  it('redacts a JWT in a fragment and leaves a path of `eyJ` without one as it is', () => {
    expect(redactUrl(`/cb#${JWT}`)).toBe('/cb#[REDACTED]');
    expect(redactUrl('/eyJ/eyJ-x')).toBe('/eyJ/eyJ-x');
  });

  it('takes a JWT header and payload of exactly 5 characters, and an empty signature', () => {
    expect(redactUrl('/f/eyJabcde.fghij.')).toBe('/f/[REDACTED]');
    expect(redactUrl('/f/eyJabcd.fghij.k')).toBe('/f/eyJabcd.fghij.k');
    expect(redactUrl('/f/eyJabcde.fghi.k')).toBe('/f/eyJabcde.fghi.k');
    expect(redactUrl('/f/x.eyJabcde.fghij.z.tail')).toBe('/f/x.[REDACTED].tail');
  });

  it('redacts userinfo only before the host, whatever the scheme', () => {
    expect(redactUrl('svn+ssh://me:pw@example.com/repo')).toBe('svn+ssh://[REDACTED]@example.com/repo');
    expect(redactUrl('/x?email=a@example.com')).toBe('/x?email=a@example.com');
    expect(redactUrl('http://example.com/a@b')).toBe('http://example.com/a@b');
  });

  it('keeps the whole head when the cut falls at the end of a run or inside a run without eyJ', () => {
    const head = `/${'a'.repeat(MAX_LOGGED_URL_LENGTH - 2)}/`;
    expect(redactUrl(`${head}${'b'.repeat(100)}`)).toBe(`${head}…[cut from ${head.length + 100} chars]`);
    const inside = `/${'a'.repeat(MAX_LOGGED_URL_LENGTH + 100)}`;
    expect(redactUrl(inside)).toBe(`${inside.slice(0, MAX_LOGGED_URL_LENGTH)}…[cut from ${inside.length} chars]`);
  });

  it('drops a split run holding eyJ back to its first character, keeping what precedes it', () => {
    const before = `/${'a'.repeat(MAX_LOGGED_URL_LENGTH - 10)}/`;
    expect(redactUrl(`${before}xeyJ${'c'.repeat(50)}`)).toBe(`${before}…[cut from ${before.length + 54} chars]`);
    // Every run character: letters, digits, `_`, `-` and `.`.
    const run = `aAzZ09_-.eyJ${'c'.repeat(MAX_LOGGED_URL_LENGTH)}`;
    expect(redactUrl(`/p/${run}`)).toBe(`/p/…[cut from ${run.length + 3} chars]`);
  });

  it('redacts a token whose name holds a malformed escape beside well-formed ones', () => {
    // decodeURIComponent throws on `%E0` (a lone UTF-8 lead byte) and on `%`; the escapes around them still count.
    expect(redactUrl('/x?%74oken[%E0]=secret-value')).toBe('/x?%74oken[%E0]=[REDACTED]');
    expect(redactUrl('/x?%74%6F%6B%65%6E[%]=secret-value')).toBe('/x?%74%6F%6B%65%6E[%]=[REDACTED]');
    expect(redactUrl('/x?%74%6f%6b%65%6e.%zz=secret-value')).toBe('/x?%74%6f%6b%65%6e.%zz=[REDACTED]');
    // Decoded byte by byte, then again: `%2574` is `%74` after the first round.
    expect(redactUrl('/x?%2574oken[%]=secret-value')).toBe('/x?%2574oken[%]=[REDACTED]');
  });

  it('decodes a name at most three times, so a deeply nested name costs bounded work', () => {
    expect(redactUrl('/x?%25252574oken=secret-value')).toBe('/x?%25252574oken=secret-value');
  });

  it('reads each name part between brackets and dots, and no part that only contains a secret word', () => {
    expect(redactUrl('/x?a.b[password]=1&[token]=2&x[]=3&tokens[a]=4')).toBe('/x?a.b[password]=[REDACTED]&[token]=[REDACTED]&x[]=3&tokens[a]=4');
  });

  it('counts the five JWT header characters from the eyJ, not from the start of its part', () => {
    expect(redactUrl('/f/abceyJabcde.fghij.k')).toBe('/f/abc[REDACTED]');
    expect(redactUrl('/f/abceyJabcd.fghij.k')).toBe('/f/abceyJabcd.fghij.k');
  });

  it('keeps the dotted parts before a JWT in the same run', () => {
    expect(redactUrl(`/v/example.domain.com.${JWT}`)).toBe('/v/example.domain.com.[REDACTED]');
  });

  it('keeps a whole run that ends right at the cut, even one holding eyJ', () => {
    const head = `/${'a'.repeat(MAX_LOGGED_URL_LENGTH - 4)}eyJ`;
    expect(redactUrl(`${head}/${'b'.repeat(100)}`)).toBe(`${head}…[cut from ${head.length + 101} chars]`);
  });

  it('drops a split run for an eyJ in that run only, not for one elsewhere in the URL', () => {
    const url = `/eyJ/${'a'.repeat(MAX_LOGGED_URL_LENGTH + 100)}`;
    expect(redactUrl(url)).toBe(`${url.slice(0, MAX_LOGGED_URL_LENGTH)}…[cut from ${url.length} chars]`);
  });

  it.each([
    ['`=`', '/p?a='],
    ['`~`', '/p/~'],
    ['`@`', '/p/@'],
    ['`[`', '/p/['],
  ])('ends a split run at %s, which is no run character', (_label, before) => {
    const url = `${before}xeyJ${'c'.repeat(MAX_LOGGED_URL_LENGTH)}`;
    expect(redactUrl(url)).toBe(`${before}…[cut from ${url.length} chars]`);
  });

  it('gives the same answer on each fast path as on the general path', () => {
    // A name with nothing to decode, and the same name encoded.
    expect([redactUrl('/x?token=v&tokens=v'), redactUrl('/x?%74oken=v&%74okens=v')]).toEqual(['/x?token=[REDACTED]&tokens=v', '/x?%74oken=[REDACTED]&%74okens=v']);
    // Nothing that could hold a credential, then the same with an empty query or fragment or a lone eyJ.
    expect(['/a/b', '/a/b?', '/a/b#', '/a/eyJ'].map(redactUrl)).toEqual(['/a/b', '/a/b?', '/a/b#', '/a/eyJ']);
    // No `@`, and an `@` that is no userinfo.
    expect(['/a?b=1', '/a?b=1@c', 'http://h/a@b'].map(redactUrl)).toEqual(['/a?b=1', '/a?b=1@c', 'http://h/a@b']);
    // A URL of exactly the cap, and one a character over.
    const capped = `/${'a'.repeat(MAX_LOGGED_URL_LENGTH - 1)}`;
    expect([redactUrl(capped), redactUrl(`${capped}a`)]).toEqual([capped, `${capped}…[cut from ${MAX_LOGGED_URL_LENGTH + 1} chars]`]);
  });
});
