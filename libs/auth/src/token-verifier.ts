import jwt from 'jsonwebtoken';
import { ServiceUnavailableError, UnauthorizedError } from '@tp/errors';
import { identityFromClaims, type Identity } from './identity';
import { SigningKeyCache, type JwksFetchOutcome } from './signing-key-cache';

export interface TokenVerifierOptions {
  jwksUri: string;
  issuers: string[];
  audience: string;
  clockToleranceSeconds?: number;
  /** Verified tokens remembered until they expire (bounded), so a hot client costs one verify. */
  cacheSize?: number;
  /** JWKS download outcomes, for metrics (keeps this library free of a metrics dependency). */
  onJwksFetch?: (outcome: JwksFetchOutcome) => void;
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

const unauthorized = (message: string) => new UnauthorizedError(message);

// Key-lookup failures that mean "this kid is not ours", not "the IdP is down".
const KEY_NOT_FOUND = new Set(['SigningKeyNotFoundError', 'JwksRateLimitError', 'JwksError']);

function mapVerifyError(err: unknown): Error {
  if (err instanceof jwt.TokenExpiredError) return unauthorized(TOKEN_ERRORS.expired);
  if (err instanceof jwt.NotBeforeError) return unauthorized(TOKEN_ERRORS.notYetValid);
  if (err instanceof jwt.JsonWebTokenError) {
    if (/audience|issuer/.test(err.message)) return unauthorized(TOKEN_ERRORS.issuerOrAudience);
    if (/malformed|invalid token|unexpected token/i.test(err.message)) return unauthorized(TOKEN_ERRORS.malformed);
    return unauthorized(TOKEN_ERRORS.signature);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Verifies Keycloak access tokens: RS256 only (no `none`, no HS256 key confusion),
 * issuer from a configured list, audience required, exp/nbf with a small tolerance.
 */
export class TokenVerifier {
  private readonly keys: SigningKeyCache;
  private readonly verified = new Map<string, { identity: Identity; expiresAt: number }>();
  private readonly cacheSize: number;

  constructor(private readonly options: TokenVerifierOptions) {
    this.keys = new SigningKeyCache({ jwksUri: options.jwksUri, onJwksFetch: options.onJwksFetch });
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  async verify(token: string): Promise<Identity> {
    const remembered = this.verified.get(token);
    if (remembered && remembered.expiresAt > Date.now()) return remembered.identity;

    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload === 'string') throw unauthorized(TOKEN_ERRORS.malformed);
    // Checked before any key lookup so a forged header cannot make us fetch or pick a key.
    if (decoded.header.alg !== 'RS256') throw unauthorized(TOKEN_ERRORS.signature);

    const key = await this.keyFor(decoded.header.kid);
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
    const identity = identityFromClaims(claims);
    if (!identity) throw unauthorized(TOKEN_ERRORS.malformed);
    this.remember(token, identity, claims.exp);
    return identity;
  }

  private async keyFor(kid: string | undefined) {
    try {
      return await this.keys.get(kid);
    } catch (err) {
      // jwks-rsa reports a JWKS answered with a non-2xx status as a JwksError too: that is the IdP being down.
      const endpointDown = (err as { isEndpointUnavailable?: unknown } | null)?.isEndpointUnavailable === true;
      if (err instanceof Error && !endpointDown && KEY_NOT_FOUND.has(err.name)) throw unauthorized(TOKEN_ERRORS.signature);
      throw new ServiceUnavailableError('Identity provider unavailable', { cause: err });
    }
  }

  private remember(token: string, identity: Identity, exp: number | undefined): void {
    if (typeof exp !== 'number') return;
    if (this.verified.size >= this.cacheSize) {
      // Oldest first: Map iteration is insertion order.
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, { identity, expiresAt: exp * 1000 });
  }
}
