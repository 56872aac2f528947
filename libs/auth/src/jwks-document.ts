import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** One usable signing key from a JWKS, with the material it was parsed from (to reuse unchanged keys). */
export interface PublishedKey {
  key: KeyObject;
  fingerprint: string;
}

// A JWKS bigger than this is not a Keycloak realm's; refuse to parse without bound.
const MAX_KEYS = 50;
const MAX_BODY_BYTES = 256 * 1024;

/** The JWKS could not be read: network error, timeout, non-2xx, or a body that is not a usable JWKS. */
export class JwksUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JwksUnavailableError';
  }
}

interface Jwk extends JsonWebKey {
  kid?: unknown;
  use?: unknown;
  alg?: unknown;
}

/** RS256 signature keys only: Keycloak also publishes an RSA-OAEP encryption key in the same set. */
function isRs256SigningKey(jwk: Jwk): jwk is Jwk & { kid: string; n: string; e: string } {
  return (
    jwk.kty === 'RSA' &&
    typeof jwk.kid === 'string' &&
    jwk.kid.length > 0 &&
    (jwk.use === undefined || jwk.use === 'sig') &&
    (jwk.alg === undefined || jwk.alg === 'RS256') &&
    typeof jwk.n === 'string' &&
    typeof jwk.e === 'string'
  );
}

/** Parses a JWKS body into KeyObjects by kid; keys that do not parse are skipped. */
export function parseJwks(body: unknown): Map<string, PublishedKey> {
  const list = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new JwksUnavailableError('JWKS body has no keys array');
  const keys = new Map<string, PublishedKey>();
  for (const jwk of list.slice(0, MAX_KEYS) as Jwk[]) {
    if (!jwk || typeof jwk !== 'object' || !isRs256SigningKey(jwk)) continue;
    try {
      const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
      keys.set(jwk.kid, { key, fingerprint: `${jwk.n}.${jwk.e}` });
    } catch {
      // A malformed key must not hide the valid ones next to it.
    }
  }
  if (keys.size === 0) throw new JwksUnavailableError('JWKS has no usable RS256 signing key');
  return keys;
}

/** Downloads and parses the JWKS; every failure is a JwksUnavailableError. */
export async function fetchJwks(jwksUri: string, timeoutMs: number): Promise<Map<string, PublishedKey>> {
  let response: Response;
  try {
    response = await fetch(jwksUri, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (err) {
    throw new JwksUnavailableError('JWKS endpoint unreachable', { cause: err });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new JwksUnavailableError(`JWKS endpoint answered HTTP ${response.status}`);
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new JwksUnavailableError('JWKS body too large');
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (err) {
    throw new JwksUnavailableError('JWKS body is not JSON', { cause: err });
  }
  return parseJwks(body);
}
