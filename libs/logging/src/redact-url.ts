const REDACTED = '[REDACTED]';

/**
 * Query (and fragment) parameter names that carry a credential, compared after decoding,
 * lower-cased and with `-`/`_` removed, so `token`, `%74oken`, `Access-Token` and
 * `access_token` all match. A bracketed name (`token[]`, `auth[token]`) matches on any part.
 */
const SECRET_NAMES = new Set([
  'token',
  'accesstoken',
  'idtoken',
  'refreshtoken',
  'xuploadtoken',
  'uploadtoken',
  'code',
  'clientsecret',
  'secret',
  'password',
  'passwd',
  'pwd',
  'apikey',
  'auth',
  'authorization',
  'jwt',
  'bearer',
  'signature',
  'sig',
  'session',
  'sessionid',
  'paddlesignature',
  // S3 presigned URLs.
  'xamzsignature',
  'xamzcredential',
  'xamzsecuritytoken',
]);

/** A JWT (or JWS) starts with `eyJ`, the base64url of `{"`. */
const JWT_HEADER = 'eyJ';
/** Shortest header (after `eyJ`) and payload a JWT-shaped piece must have. */
const JWT_MIN_PART = 5;
/**
 * Maximal runs of base64url characters and dots: a JWT lies inside one. Maximal runs are
 * linear to find; a regex for the JWT itself (`eyJ[\w-]{5,}\.…`) is not: it rescans the run
 * from every `eyJ` in it, quadratic on a path of repeated `eyJ`.
 */
const BASE64URL_RUN = /[\w.-]+/g;

/** Longest URL a log line keeps (after redaction); the rest is replaced by a marker saying how much was cut. */
export const MAX_LOGGED_URL_LENGTH = 2048;

/** `scheme://user:pass@host` or `//user:pass@host` (an absolute-form request target). */
const USERINFO = /^((?:[a-z][a-z0-9+.-]*:)?\/\/)[^/?#@]*@/i;

/** Decodes like a query parser does (`+` is a space), repeatedly, so double encoding cannot hide a name. */
function decodeName(raw: string): string {
  // Stryker disable next-line ConditionalExpression,StringLiteral: fast path: same result as the general path (nothing to decode)
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  // Stryker disable next-line StringLiteral: isSecretName drops spaces, so only that `+` stops being `+` can be seen
  let name = raw.replace(/\+/g, ' ');
  for (let round = 0; round < 3; round += 1) {
    let next: string;
    try {
      next = decodeURIComponent(name);
    } catch {
      // Malformed escapes: decode what can be decoded, byte by byte.
      next = name.replace(/%([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    // Stryker disable next-line ConditionalExpression: fast path: same result as the general path (decoding a decoded name again changes nothing)
    if (next === name) break;
    name = next;
  }
  return name;
}

function isSecretName(raw: string): boolean {
  const parts = decodeName(raw)
    .toLowerCase()
    .split(/[[\].]/)
    .map((part) => part.replace(/[-_\s]/g, ''));
  return parts.some((part) => SECRET_NAMES.has(part));
}

/**
 * Redacts what `/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*\/g` would match in a run, in one pass over its
 * dot-separated parts: from the first `eyJ` of a part with 5 more characters, through a next
 * part of 5 or more, to the end of the part after it.
 */
function redactJwtsInRun(run: string): string {
  // Stryker disable next-line ConditionalExpression: fast path: same result as the general path (no part holds an eyJ)
  if (!run.includes(JWT_HEADER)) return run;
  const parts = run.split('.');
  const kept: string[] = [];
  for (let index = 0; index < parts.length; index += 1) {
    const part = parts[index]!;
    const start = part.indexOf(JWT_HEADER);
    const isJwt =
      start !== -1 &&
      part.length - start - JWT_HEADER.length >= JWT_MIN_PART &&
      index + 2 < parts.length &&
      parts[index + 1]!.length >= JWT_MIN_PART;
    if (!isJwt) {
      kept.push(part);
      continue;
    }
    kept.push(`${part.slice(0, start)}${REDACTED}`);
    index += 2;
  }
  return kept.join('.');
}

/** `[\w.-]`, by character code (called per character while walking back over a run). */
function isRunChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code === 0x2d || code === 0x2e
  );
}

/**
 * The first MAX_LOGGED_URL_LENGTH characters. A run the cut splits is dropped whole if it holds
 * an `eyJ`: the rest of a JWT is past the cut, so its kept prefix would not look like one.
 */
function headForLog(url: string): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: fast path: same result as the general path (charCodeAt past the end is NaN, slice keeps it all)
  if (url.length <= MAX_LOGGED_URL_LENGTH) return url;
  let end = MAX_LOGGED_URL_LENGTH;
  if (isRunChar(url.charCodeAt(end))) {
    // Back to the run's first character; charCodeAt(-1) is NaN, no run character.
    let start = end;
    while (isRunChar(url.charCodeAt(start - 1))) start -= 1;
    if (url.slice(start, end).includes(JWT_HEADER)) end = start;
  }
  return url.slice(0, end);
}

/** Query, fragment and JWT redaction (userinfo is done on the whole URL first). */
function redactCredentials(url: string): string {
  let redacted = url;
  const hash = redacted.indexOf('#');
  const fragment = hash === -1 ? undefined : redacted.slice(hash + 1);
  if (hash !== -1) redacted = redacted.slice(0, hash);
  const question = redacted.indexOf('?');
  if (question !== -1) {
    redacted = `${redacted.slice(0, question)}?${redactParameters(redacted.slice(question + 1))}`;
  }
  if (fragment !== undefined) redacted = `${redacted}#${redactParameters(fragment)}`;
  return redacted.includes(JWT_HEADER) ? redacted.replace(BASE64URL_RUN, redactJwtsInRun) : redacted;
}

/** Keeps the parameters' order and spelling; only secret values are replaced. */
function redactParameters(query: string): string {
  return query
    .split(/([&;])/)
    .map((pair) => {
      // A separator, or a parameter without a value: nothing to redact.
      const equals = pair.indexOf('=');
      if (equals === -1) return pair;
      const name = pair.slice(0, equals);
      return isSecretName(name) ? `${name}=${REDACTED}` : pair;
    })
    .join('');
}

/**
 * A URL fit for a log line: credentials are removed by what they mean, not how they are
 * spelled: secret query or fragment parameters under any encoding of their name, userinfo
 * (`user:pass@`), and anything shaped like a JWT anywhere in the URL. A URL longer than
 * MAX_LOGGED_URL_LENGTH is cut there and marked `…[cut from N chars]`: only its head is
 * redacted, so the work per request line is bounded whatever the client sends.
 */
export function redactUrl(url: string): string {
  // Userinfo first, on the whole URL: the cut may fall between `user:pass` and its `@`.
  // Stryker disable next-line StringLiteral: fast path: same result as the general path (USERINFO needs an `@`)
  const mayHaveUserinfo = url.includes('@');
  const whole = mayHaveUserinfo ? url.replace(USERINFO, `$1${REDACTED}@`) : url;
  const head = headForLog(whole);
  // Fast path for the common URL: nothing that could hold a credential.
  // Stryker disable next-line ConditionalExpression,StringLiteral: fast path: same result as the general path (redactCredentials changes nothing then)
  const plain = !head.includes('?') && !head.includes('#') && !head.includes(JWT_HEADER);
  const redacted = plain ? head : redactCredentials(head);
  if (head.length === whole.length) return redacted;
  // A redacted value may be longer than the secret it replaced: the line stays within the cap.
  return `${redacted.slice(0, MAX_LOGGED_URL_LENGTH)}…[cut from ${url.length} chars]`;
}
