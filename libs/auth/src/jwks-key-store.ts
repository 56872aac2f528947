import type { KeyObject } from 'node:crypto';
import { fetchJwks, type PublishedKey } from './jwks-document';

/** How the JWKS is cached and refreshed (all in ms). */
export interface JwksCacheSettings {
  /** Minimum time between two JWKS downloads, whatever triggers them (unknown kids, age). */
  refreshIntervalMs: number;
  /** Age after which the key set is refreshed in the background; bounds how long a removed key verifies. */
  maxAgeMs: number;
  /** How long past `maxAgeMs` known keys keep verifying while the JWKS cannot be fetched. */
  staleIfErrorMs: number;
  timeoutMs: number;
}

export const DEFAULT_JWKS_CACHE: JwksCacheSettings = {
  refreshIntervalMs: 10_000,
  maxAgeMs: 5 * 60_000,
  staleIfErrorMs: 30 * 60_000,
  timeoutMs: 5000,
};

export type JwksFetchOutcome = 'success' | 'failure';
/** An unknown kid was answered after waiting for a JWKS download (`refresh`) or without one (`memory`). */
export type UnknownKidAnswer = 'refresh' | 'memory';

export type KeyLookup = { status: 'found'; key: KeyObject } | { status: 'unknown' } | { status: 'unavailable' };

export interface JwksKeyStoreOptions extends Partial<JwksCacheSettings> {
  jwksUri: string;
  now?: () => number;
  onJwksFetch?: (outcome: JwksFetchOutcome) => void;
  onUnknownKid?: (answer: UnknownKidAnswer) => void;
}

/**
 * The realm's signing keys by kid, parsed once into KeyObjects. Known keys never wait for
 * the network: an aged key set is refreshed in the background. An unknown kid may trigger a
 * download, but downloads are single-flight and at most one per `refreshIntervalMs`, so a
 * flood of invented kids costs one request per interval and cannot starve a real rotation:
 * the next allowed download (at most one interval away) picks the new key up. Between
 * downloads an unknown kid is answered from memory.
 */
export class JwksKeyStore {
  private keys = new Map<string, PublishedKey>();
  /** Time of the last successful download; never, before the first (its age is Infinity). */
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  // Stryker disable next-line BooleanLiteral: read only by missing(), after get() awaited a first download that set it
  private lastAttemptFailed = false;
  private inflight: Promise<void> | undefined;
  private readonly settings: JwksCacheSettings;
  private readonly now: () => number;

  constructor(private readonly options: JwksKeyStoreOptions) {
    this.settings = {
      refreshIntervalMs: options.refreshIntervalMs ?? DEFAULT_JWKS_CACHE.refreshIntervalMs,
      maxAgeMs: options.maxAgeMs ?? DEFAULT_JWKS_CACHE.maxAgeMs,
      staleIfErrorMs: options.staleIfErrorMs ?? DEFAULT_JWKS_CACHE.staleIfErrorMs,
      timeoutMs: options.timeoutMs ?? DEFAULT_JWKS_CACHE.timeoutMs,
    };
    this.now = options.now ?? Date.now;
  }

  /**
   * The key for `kid` if it is already known and usable, without waiting for anything (the
   * hot path: a known key needs no network); an old key set starts its background refresh.
   */
  known(kid: string): KeyObject | undefined {
    const key = this.usableKey(kid);
    if (key && this.age() > this.settings.maxAgeMs) void this.refreshIfAllowed();
    return key;
  }

  async get(kid: string): Promise<KeyLookup> {
    const known = this.known(kid);
    if (known) return { status: 'found', key: known };
    const refreshing = this.refreshIfAllowed();
    if (!refreshing) {
      this.options.onUnknownKid?.('memory');
      return this.missing();
    }
    this.options.onUnknownKid?.('refresh');
    await refreshing;
    const key = this.usableKey(kid);
    return key ? { status: 'found', key } : this.missing();
  }

  /** Whether known keys can verify now (fresh, or stale within the stale-if-error bound): health checks. */
  hasUsableKeys(): boolean {
    // A successful download always holds a key (parseJwks refuses an empty set); none before it (age Infinity).
    return this.age() <= this.settings.maxAgeMs + this.settings.staleIfErrorMs;
  }

  /** Milliseconds since the last successful download (Infinity before the first). */
  private age(): number {
    return this.now() - this.fetchedAt;
  }

  private usableKey(kid: string): KeyObject | undefined {
    if (this.age() > this.settings.maxAgeMs + this.settings.staleIfErrorMs) return undefined;
    return this.keys.get(kid)?.key;
  }

  /** A kid we cannot find: "not ours" (401) only if our key set is current, else "IdP unavailable" (503). */
  private missing(): KeyLookup {
    const trusted = !this.lastAttemptFailed && this.age() <= this.settings.maxAgeMs + this.settings.staleIfErrorMs;
    return trusted ? { status: 'unknown' } : { status: 'unavailable' };
  }

  /** The running download, a new one if the interval allows, or undefined (answer from memory). */
  private refreshIfAllowed(): Promise<void> | undefined {
    if (this.inflight) return this.inflight;
    const now = this.now();
    if (now - this.lastAttemptAt < this.settings.refreshIntervalMs) return undefined;
    this.lastAttemptAt = now;
    this.inflight = this.download().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Never rejects: a failed download keeps the previous keys (stale-if-error). */
  private async download(): Promise<void> {
    try {
      const fetched = await fetchJwks(this.options.jwksUri, this.settings.timeoutMs);
      // Unchanged keys keep their KeyObject, so tokens they verified stay in the verified-token cache.
      for (const [kid, published] of fetched) {
        const previous = this.keys.get(kid);
        if (previous?.fingerprint === published.fingerprint) fetched.set(kid, previous);
      }
      this.keys = fetched;
      this.fetchedAt = this.now();
      this.lastAttemptFailed = false;
      this.options.onJwksFetch?.('success');
    } catch {
      this.lastAttemptFailed = true;
      this.options.onJwksFetch?.('failure');
    }
  }
}
