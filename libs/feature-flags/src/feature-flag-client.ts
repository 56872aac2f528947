import type { Redis } from 'ioredis';
import { withDatabase } from '@tp/db';
import type { Logger } from '@tp/logging';
import { evaluateAll, evaluateFlag } from './evaluate-flag';
import type { EvaluationContext, FlagDefinition, FlagEvaluation, KillSwitches } from './flag-types';

export interface FeatureFlagClientOptions {
  /** Reads every DB flag (loadFlagDefinitions(db) in services). */
  load: () => Promise<FlagDefinition[]>;
  killSwitches: KillSwitches;
  /** How long a loaded snapshot is trusted without a change message. */
  ttlMs: number;
  /** A dedicated connection (it enters subscriber mode); without it only the TTL refreshes. */
  subscriber?: Redis;
  channel?: string;
  logger?: Logger;
  now?: () => number;
}

/** A loaded copy of the feature_flags table. */
export interface FlagSnapshot {
  flags: ReadonlyMap<string, FlagDefinition>;
}

/**
 * Evaluates flags in-process from a cached copy of the feature_flags table: no network hop
 * per request. The copy expires after `ttlMs`, and is dropped as soon as the flags service
 * publishes a change on Redis, so a change is seen everywhere within a round trip.
 * If a reload fails while an older copy exists, the older copy keeps serving (fail static).
 */
export class FeatureFlagClient {
  private snapshot?: FlagSnapshot;
  private expiresAt = 0;
  private loading?: { promise: Promise<FlagSnapshot>; generation: number };
  /** Bumped by every invalidation, so a load that started before a change is not trusted. */
  private generation = 0;
  private readonly now: () => number;

  constructor(private readonly options: FeatureFlagClientOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Subscribes to change messages. Resolves once subscribed, or after `timeoutMs` while Redis
   * is unreachable (the subscription completes on reconnect; until then the TTL bounds staleness).
   */
  async start(timeoutMs = 2000): Promise<void> {
    const { subscriber, channel } = this.options;
    if (!subscriber || !channel) return;
    subscriber.on('message', (received: string) => {
      if (received === channel) this.invalidate();
    });
    // Messages sent while disconnected are lost: treat every (re)connect as a change.
    subscriber.on('ready', () => this.invalidate());
    let timer: NodeJS.Timeout | undefined;
    const subscribed = subscriber.subscribe(channel).then(() => true, () => false);
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const ok = await Promise.race([subscribed, timedOut]);
    clearTimeout(timer);
    if (!ok) this.options.logger?.warn('Feature flag change channel unavailable for now; relying on the cache TTL');
  }

  async close(): Promise<void> {
    const { subscriber } = this.options;
    if (!subscriber) return;
    if (subscriber.status === 'ready') await subscriber.quit().catch(() => subscriber.disconnect());
    else subscriber.disconnect();
  }

  /** Forget the cached copy; the next evaluation reloads. */
  invalidate(): void {
    this.generation += 1;
    this.expiresAt = 0;
  }

  async current(): Promise<FlagSnapshot> {
    if (this.snapshot && this.now() < this.expiresAt) return this.snapshot;
    try {
      return await this.reload();
    } catch (err) {
      if (!this.snapshot) throw err;
      this.options.logger?.warn({ err }, 'Feature flag reload failed; serving the previous flags');
      return this.snapshot;
    }
  }

  async evaluate(key: string, context: EvaluationContext): Promise<FlagEvaluation | undefined> {
    const { flags } = await this.current();
    return evaluateFlag(key, flags.get(key), this.options.killSwitches, context);
  }

  async isEnabled(key: string, context: EvaluationContext): Promise<boolean> {
    return (await this.evaluate(key, context))?.enabled ?? false;
  }

  async evaluateAll(context: EvaluationContext): Promise<FlagEvaluation[]> {
    const { flags } = await this.current();
    return evaluateAll(flags, this.options.killSwitches, context);
  }

  private reload(): Promise<FlagSnapshot> {
    // Concurrent callers share one query, unless a change arrived after it started.
    if (this.loading?.generation === this.generation) return this.loading.promise;
    const generation = this.generation;
    const promise = withDatabase(this.options.load)
      .then((definitions) => {
        const snapshot: FlagSnapshot = { flags: new Map(definitions.map((flag) => [flag.key, flag])) };
        this.snapshot = snapshot;
        if (generation === this.generation) this.expiresAt = this.now() + this.options.ttlMs;
        return snapshot;
      })
      .finally(() => {
        if (this.loading?.promise === promise) this.loading = undefined;
      });
    this.loading = { promise, generation };
    return promise;
  }
}

/** Announces a change to every FeatureFlagClient; the payload is the changed key. */
export async function publishFlagChange(redis: Redis, channel: string, key: string): Promise<void> {
  await redis.publish(channel, key);
}
