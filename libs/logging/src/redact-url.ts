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

/** A JWT (or JWS) wherever it appears, e.g. as a path segment: `eyJ…` header, two more base64url parts. */
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

/** `scheme://user:pass@host` or `//user:pass@host` (an absolute-form request target). */
const USERINFO = /^((?:[a-z][a-z0-9+.-]*:)?\/\/)[^/?#@]*@/i;

/** Decodes like a query parser does (`+` is a space), repeatedly, so double encoding cannot hide a name. */
function decodeName(raw: string): string {
  let name = raw.replace(/\+/g, ' ');
  for (let round = 0; round < 3; round += 1) {
    let next: string;
    try {
      next = decodeURIComponent(name);
    } catch {
      // Malformed escapes: decode what can be decoded, byte by byte.
      next = name.replace(/%([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    if (next === name) break;
    name = next;
  }
  return name;
}

function isSecretName(raw: string): boolean {
  const parts = decodeName(raw)
    .toLowerCase()
    .split(/[[\].]/)
    .map((part) => part.trim().replace(/[-_\s]/g, ''))
    .filter(Boolean);
  return parts.some((part) => SECRET_NAMES.has(part));
}

/** Keeps the parameters' order and spelling; only secret values are replaced. */
function redactParameters(query: string): string {
  return query
    .split(/([&;])/)
    .map((pair) => {
      if (pair === '&' || pair === ';') return pair;
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      return equals !== -1 && isSecretName(name) ? `${name}=${REDACTED}` : pair;
    })
    .join('');
}

/**
 * A URL fit for a log line: credentials are removed by what they mean, not how they are
 * spelled: secret query or fragment parameters under any encoding of their name, userinfo
 * (`user:pass@`), and anything shaped like a JWT anywhere in the URL.
 */
export function redactUrl(url: string): string {
  // Fast path for the common URL: nothing that could hold a credential.
  if (!url.includes('?') && !url.includes('#') && !url.includes('@') && !url.includes('eyJ')) return url;
  let redacted = url.replace(USERINFO, `$1${REDACTED}@`);
  const hash = redacted.indexOf('#');
  const fragment = hash === -1 ? undefined : redacted.slice(hash + 1);
  if (hash !== -1) redacted = redacted.slice(0, hash);
  const question = redacted.indexOf('?');
  if (question !== -1) {
    redacted = `${redacted.slice(0, question)}?${redactParameters(redacted.slice(question + 1))}`;
  }
  if (fragment !== undefined) redacted = `${redacted}#${redactParameters(fragment)}`;
  return redacted.replace(JWT_SHAPE, REDACTED);
}
