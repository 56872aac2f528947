import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ServiceUnavailableError, UnauthorizedError } from '@tp/errors';
import { DEFAULT_CLIENT_ID, identityFromClaims, type Identity } from './identity';
import { JwksKeyStore, type JwksCacheSettings, type JwksFetchOutcome, type UnknownKidAnswer } from './jwks-key-store';

export interface TokenVerifierOptions {
  jwksUri: string;
  issuers: string[];
  audience: string;
  /** This gateway's own Keycloak client: only its `resource_access` roles count (default `api-gateway`). */
  clientId?: string;
  /** Accepted `azp` (the client the token was issued to); empty or absent = any client of the realm. */
  allowedAzp?: string[];
  clockToleranceSeconds?: number;
  /** JWKS refresh interval, max age, stale-if-error and timeout (defaults in DEFAULT_JWKS_CACHE). */
  jwks?: Partial<JwksCacheSettings>;
  /** Verified tokens remembered until they expire (bounded), so a hot client costs one verify. */
  cacheSize?: number;
  /** JWKS download outcomes, for metrics (keeps this library free of a metrics dependency). */
  onJwksFetch?: (outcome: JwksFetchOutcome) => void;
  /** Unknown-kid lookups by how they were answered, for metrics. */
  onUnknownKid?: (answer: UnknownKidAnswer) => void;
  /** Clock for the key cache (tests); default Date.now. */
  now?: () => number;
}

/** The only reasons a 401 names: enough for a client to react, nothing more. */
export const TOKEN_ERRORS = {
  missing: 'Missing bearer token',
  malformed: 'Malformed token',
  expired: 'Token expired',
  notYetValid: 'Token not yet valid',
  signature: 'Invalid token signature',
  issuerOrAudience: 'Invalid token issuer or audience',
} as const;

/** Keycloak's `typ` for access tokens; ID, Refresh and Logout tokens are signed by the same key. */
const ACCESS_TOKEN_TYPE = 'Bearer';

const unauthorized = (message: string) => new UnauthorizedError(message);

function mapVerifyError(err: unknown): Error {
  if (err instanceof jwt.TokenExpiredError) return unauthorized(TOKEN_ERRORS.expired);
  if (err instanceof jwt.NotBeforeError) return unauthorized(TOKEN_ERRORS.notYetValid);
  // jwt.verify with an RSA KeyObject fails only with JsonWebTokenError and its subclasses; any
  // other failure stays what it is (a 500), never a 401. Malformed tokens never get here (parseHeaderAndType).
  // Stryker disable next-line ConditionalExpression: no other error reaches here to tell `true` apart
  if (err instanceof jwt.JsonWebTokenError) {
    if (/audience|issuer/.test(err.message)) return unauthorized(TOKEN_ERRORS.issuerOrAudience);
    return unauthorized(TOKEN_ERRORS.signature);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** jws parses the payload of a `typ: JWT` header itself and throws when it is not JSON. */
function decodeComplete(token: string): jwt.Jwt | null {
  try {
    return jwt.decode(token, { complete: true });
  } catch {
    return null;
  }
}

/** Shape checks before any key lookup, so a token we would refuse anyway costs no crypto and no fetch. */
function parseHeaderAndType(token: string): { kid: string } {
  const decoded = decodeComplete(token);
  if (!decoded) throw unauthorized(TOKEN_ERRORS.malformed);
  // A forged header must not make us pick a key or an algorithm.
  if (decoded.header.alg !== 'RS256') throw unauthorized(TOKEN_ERRORS.signature);
  // Keycloak always names the key; without a kid the key choice would be a guess.
  const { kid } = decoded.header;
  if (typeof kid !== 'string' || kid.length === 0) throw unauthorized(TOKEN_ERRORS.malformed);
  // A payload that is not a JSON object (a string, a number, null) has no typ: refused here.
  const payload = (decoded.payload ?? {}) as jwt.JwtPayload & { typ?: unknown };
  if (payload.typ !== ACCESS_TOKEN_TYPE) throw unauthorized(TOKEN_ERRORS.malformed);
  if (typeof payload.exp !== 'number') throw unauthorized(TOKEN_ERRORS.malformed);
  return { kid };
}

interface VerifiedToken {
  identity: Identity;
  expiresAt: number;
  kid: string;
  /** The key that verified it: the entry is only valid while the key cache still holds this key. */
  key: KeyObject;
}

/**
 * Verifies Keycloak access tokens: RS256 only (no `none`, no HS256 key confusion), `typ`
 * Bearer, issuer from a configured list, audience required, optional `azp` allow-list,
 * exp required, exp/nbf with a small tolerance.
 */
export class TokenVerifier {
  private readonly keys: JwksKeyStore;
  private readonly verified = new Map<string, VerifiedToken>();
  private readonly cacheSize: number;
  private readonly clientId: string;
  private readonly allowedAzp: ReadonlySet<string>;

  constructor(private readonly options: TokenVerifierOptions) {
    this.keys = new JwksKeyStore({
      jwksUri: options.jwksUri,
      ...options.jwks,
      now: options.now,
      onJwksFetch: options.onJwksFetch,
      onUnknownKid: options.onUnknownKid,
    });
    this.cacheSize = options.cacheSize ?? 10_000;
    this.clientId = options.clientId ?? DEFAULT_CLIENT_ID;
    this.allowedAzp = new Set(options.allowedAzp ?? []);
  }

  /**
   * The identity of a token this verifier already verified, while it has not expired and the
   * key that verified it is still the key cache's key for its kid; otherwise undefined (call
   * `verify`). Synchronous, so a returning client's request pays no promise for it.
   */
  verifyCached(token: string): Identity | undefined {
    const entry = this.verified.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt > Date.now() && this.keys.known(entry.kid) === entry.key) return entry.identity;
    this.verified.delete(token);
    return undefined;
  }

  async verify(token: string): Promise<Identity> {
    const remembered = this.verifyCached(token);
    // Stryker disable next-line ConditionalExpression: a fast path; verifying the token again yields the same identity
    if (remembered) return remembered;

    const { kid } = parseHeaderAndType(token);
    const key = await this.keyFor(kid);
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, key, {
        algorithms: ['RS256'],
        issuer: this.options.issuers as [string, ...string[]],
        audience: this.options.audience,
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
      }) as jwt.JwtPayload;
    } catch (err) {
      throw mapVerifyError(err);
    }
    // A missing or non-string azp is in no list.
    if (this.allowedAzp.size > 0 && !this.allowedAzp.has(claims['azp'] as string)) {
      throw unauthorized(TOKEN_ERRORS.issuerOrAudience);
    }
    const identity = identityFromClaims(claims, this.clientId);
    if (!identity) throw unauthorized(TOKEN_ERRORS.malformed);
    this.remember(token, { identity, expiresAt: (claims.exp as number) * 1000, kid, key });
    return identity;
  }

  /** True while known signing keys can verify tokens, even if the JWKS endpoint is down (stale-if-error). */
  hasUsableKeys(): boolean {
    return this.keys.hasUsableKeys();
  }

  private async keyFor(kid: string): Promise<KeyObject> {
    const lookup = await this.keys.get(kid);
    if (lookup.status === 'found') return lookup.key;
    if (lookup.status === 'unknown') throw unauthorized(TOKEN_ERRORS.signature);
    throw new ServiceUnavailableError('Identity provider unavailable');
  }

  private remember(token: string, entry: VerifiedToken): void {
    if (this.verified.size >= this.cacheSize) {
      // Oldest first: Map iteration is insertion order.
      const oldest = this.verified.keys().next().value;
      // Stryker disable next-line ConditionalExpression: the map is full, so it has an oldest key (delete(undefined) is a no-op anyway)
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, entry);
  }
}
