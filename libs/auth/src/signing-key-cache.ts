import { createPublicKey, type KeyObject } from 'node:crypto';
import { JwksClient } from 'jwks-rsa';

export interface SigningKeyCacheOptions {
  jwksUri: string;
  /** How long a parsed key is trusted before the JWKS is asked again (key revocation bound). */
  keyTtlMs?: number;
  timeoutMs?: number;
  /** Called after every JWKS download (not cache hits); the edge counts these in a metric. */
  onJwksFetch?: (outcome: JwksFetchOutcome) => void;
}

export type JwksFetchOutcome = 'success' | 'failure';

/**
 * Public keys by kid, parsed once into KeyObjects. jwks-rsa hands out PEM strings,
 * and jsonwebtoken would re-parse a PEM on every verify (~5x slower), so the parsed
 * key is kept here. An unknown kid goes to jwks-rsa, which refetches the JWKS
 * (rate limited) — that is how a Keycloak key rotation is picked up.
 */
export class SigningKeyCache {
  private readonly client: JwksClient;
  private readonly keys = new Map<string, { key: KeyObject; expiresAt: number }>();
  private readonly keyTtlMs: number;

  constructor(options: SigningKeyCacheOptions) {
    this.keyTtlMs = options.keyTtlMs ?? 10 * 60_000;
    this.client = new JwksClient({
      jwksUri: options.jwksUri,
      cache: true,
      cacheMaxEntries: 10,
      cacheMaxAge: this.keyTtlMs,
      rateLimit: true,
      jwksRequestsPerMinute: 10,
      timeout: options.timeoutMs ?? 5000,
    });
    if (options.onJwksFetch) this.observeFetches(options.onJwksFetch);
  }

  /** jwks-rsa downloads the JWKS only in getKeys(), behind its cache and rate limiter. */
  private observeFetches(onJwksFetch: (outcome: JwksFetchOutcome) => void): void {
    const getKeys = this.client.getKeys.bind(this.client);
    this.client.getKeys = async () => {
      try {
        const keys = await getKeys();
        onJwksFetch('success');
        return keys;
      } catch (err) {
        onJwksFetch('failure');
        throw err;
      }
    };
  }

  async get(kid: string | undefined): Promise<KeyObject> {
    const cacheKey = kid ?? '';
    const cached = this.keys.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) return cached.key;
    const signingKey = await this.client.getSigningKey(kid);
    const key = createPublicKey(signingKey.getPublicKey());
    this.keys.set(cacheKey, { key, expiresAt: Date.now() + this.keyTtlMs });
    return key;
  }
}
