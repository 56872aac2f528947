import type { Redis } from 'ioredis';
import type { Logger } from '@tp/logging';
import type { StoredAccount } from './account-store';

export interface AccountCacheOptions {
  /** Safety net: how long an entry is trusted if a change message is lost. */
  ttlMs: number;
  /** A dedicated connection (it enters subscriber mode). Without one nothing is cached. */
  subscriber?: Redis;
  channel?: string;
  logger?: Logger;
  /** Bounds memory: the oldest entry goes first. */
  maxEntries?: number;
  now?: () => number;
}

/** Payload that drops every entry (e.g. after a bulk change). */
export const ALL_ACCOUNTS = '*';

interface Entry {
  account: StoredAccount;
  expiresAt: number;
}

/**
 * In-process copy of accounts (users row + subscriptions), keyed by Keycloak id, so a request
 * costs no database read while nothing changed. Billing publishes the users.id on the channel
 * after a webhook transaction that changed a subscription commits; the entry is dropped and the
 * next request reads the database. Entries are served only while the subscription is live:
 * with Redis down (or before the subscription is confirmed) every call reads the database, so a
 * lost message can never keep a canceled user PREMIUM beyond the TTL.
 */
export class AccountCache {
  private readonly entries = new Map<string, Entry>();
  /** users.id → keycloak id, to drop an entry named by billing. */
  private readonly keyOfUser = new Map<string, string>();
  private readonly loading = new Map<string, { promise: Promise<StoredAccount | undefined>; generation: number }>();
  /** Bumped by every invalidation, so a load that started before a change is not stored. */
  private generation = 0;
  private subscribed = false;
  private readonly now: () => number;

  constructor(private readonly options: AccountCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether entries may be served: subscribed on a connection that is up right now. */
  get live(): boolean {
    return this.subscribed && this.options.subscriber?.status === 'ready';
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Subscribes to change messages. Resolves once subscribed, or after `timeoutMs` while Redis is
   * unreachable (then every call reads the database until the subscription is confirmed).
   */
  async start(timeoutMs = 2000): Promise<void> {
    const { subscriber, channel } = this.options;
    if (!subscriber || !channel) return;
    subscriber.on('message', (received: string, payload: string) => {
      if (received === channel) this.invalidate(payload);
    });
    // Messages sent while disconnected are lost: nothing cached before a drop can be trusted.
    subscriber.on('close', () => this.pause());
    subscriber.on('ready', () => void this.subscribe());
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const ok = await Promise.race([this.subscribe(), timedOut]);
    clearTimeout(timer);
    if (!ok) this.options.logger?.warn('Entitlement change channel unavailable for now; reading accounts from the database');
  }

  async close(): Promise<void> {
    this.pause();
    const { subscriber } = this.options;
    if (!subscriber) return;
    if (subscriber.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
    else subscriber.disconnect();
  }

  /** The cached account, or `load()`'s answer (stored only while live and unchanged meanwhile). */
  async get(keycloakId: string, load: () => Promise<StoredAccount | undefined>): Promise<StoredAccount | undefined> {
    if (!this.live) return load();
    const entry = this.entries.get(keycloakId);
    if (entry && this.now() < entry.expiresAt) return entry.account;
    const pending = this.loading.get(keycloakId);
    if (pending?.generation === this.generation) return pending.promise;
    const generation = this.generation;
    const promise = load()
      .then((account) => {
        if (account && generation === this.generation && this.live) this.store(keycloakId, account);
        return account;
      })
      .finally(() => {
        if (this.loading.get(keycloakId)?.promise === promise) this.loading.delete(keycloakId);
      });
    this.loading.set(keycloakId, { promise, generation });
    return promise;
  }

  /** Drops one user's entry after this process wrote their row. */
  forget(keycloakId: string): void {
    this.generation += 1;
    this.drop(keycloakId);
  }

  /** A users.id from the channel, or ALL_ACCOUNTS. */
  invalidate(userId: string): void {
    this.generation += 1;
    if (userId === ALL_ACCOUNTS) {
      this.entries.clear();
      this.keyOfUser.clear();
      return;
    }
    const keycloakId = this.keyOfUser.get(userId);
    if (keycloakId) this.drop(keycloakId);
  }

  private async subscribe(): Promise<boolean> {
    const { subscriber, channel } = this.options;
    if (!subscriber || !channel) return false;
    try {
      // Idempotent: after a reconnect ioredis resubscribes too; this confirms it before trusting entries.
      await subscriber.subscribe(channel);
    } catch {
      return false;
    }
    this.invalidate(ALL_ACCOUNTS);
    this.subscribed = true;
    return true;
  }

  private pause(): void {
    this.subscribed = false;
    this.invalidate(ALL_ACCOUNTS);
  }

  private store(keycloakId: string, account: StoredAccount): void {
    this.drop(keycloakId);
    const max = this.options.maxEntries ?? 10_000;
    while (this.entries.size >= max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.drop(oldest);
    }
    this.entries.set(keycloakId, { account, expiresAt: this.now() + this.options.ttlMs });
    this.keyOfUser.set(account.user.id, keycloakId);
  }

  private drop(keycloakId: string): void {
    const entry = this.entries.get(keycloakId);
    if (!entry) return;
    this.entries.delete(keycloakId);
    if (this.keyOfUser.get(entry.account.user.id) === keycloakId) this.keyOfUser.delete(entry.account.user.id);
  }
}
