import { createHash } from 'node:crypto';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';

/**
 * Adds one replica's hits to a client's shared fixed window and answers the window's total and
 * PTTL. The key is the one rate-limit-redis keeps (an integer with PX windowMs from the first
 * hit), so replicas in either mode share a count. GET, SET and PTTL only: the edge's Redis ACL.
 */
const SYNC_SCRIPT = `
local ttl = redis.call('PTTL', KEYS[1])
local delta = tonumber(ARGV[1])
if ttl <= 0 then
  if delta <= 0 then return {0, 0} end
  redis.call('SET', KEYS[1], delta, 'PX', ARGV[2])
  return {delta, tonumber(ARGV[2])}
end
local total = tonumber(redis.call('GET', KEYS[1]) or '0') + delta
redis.call('SET', KEYS[1], total, 'KEEPTTL')
return {total, ttl}
`.trim();
/** The script's SHA1, by which rounds call it (EVALSHA; SCRIPT LOAD after a NOSCRIPT). */
export const SYNC_SHA = createHash('sha1').update(SYNC_SCRIPT).digest('hex');

/** One client's window as this replica sees it. */
interface Entry {
  key: string;
  /** The shared total the last round read back (this replica's synced hits included). */
  synced: number;
  /** Hits the round in flight carries. */
  sending: number;
  /** Hits counted here since the last round was sent. */
  pending: number;
  /** Whether the entry waits in the next round's batch. */
  queued: boolean;
  resetAt: number;
  resetTime: Date;
}

export interface SyncedRedisStoreOptions {
  redis: Redis;
  prefix: string;
  /** RATE_LIMIT_SYNC_MS: one pipelined round per interval carries every client's new hits. */
  syncMs: number;
  /** Called for each failed round (the limiter then fails open until Redis answers again). */
  onFailure: (err: unknown) => void;
  /** Local entries kept once synced (a flood of distinct clients evicts the oldest idle ones). */
  maxKeys?: number;
  /** A round unanswered this long counts as failed. */
  roundTimeoutMs?: number;
}

const unavailable = new Error('Rate limiter store unavailable (Redis did not answer the last round)');

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis round unanswered after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type Replies = Array<[Error | null, unknown]>;

/**
 * Counts each hit locally and answers at once; every `syncMs` one pipelined round adds each
 * client's new hits to Redis and reads the shared total back. A replica thus misses at most the
 * other replicas' hits of one interval plus a round trip: the overshoot of a limit is bounded by
 * replicas × a client's rate × interval (docs/abuse-resistance.md). A single replica is exact.
 * While Redis does not answer, increment throws, so express-rate-limit's passOnStoreError
 * serves without limiting (fail open, as the per-request store does), and every interval a PING
 * probes until Redis is back.
 */
export class SyncedRedisStore implements Store {
  readonly prefix: string;
  readonly localKeys = false;
  private windowMs = 60_000;
  private readonly entries = new Map<string, Entry>();
  private queue: Entry[] = [];
  private available = true;
  private round?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private readonly maxKeys: number;
  private readonly roundTimeoutMs: number;

  constructor(private readonly options: SyncedRedisStoreOptions) {
    this.prefix = options.prefix;
    this.maxKeys = options.maxKeys ?? 100_000;
    this.roundTimeoutMs = options.roundTimeoutMs ?? Math.max(1000, 10 * options.syncMs);
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
    this.timer ??= setInterval(() => void this.sync(), this.options.syncMs);
    this.timer.unref();
  }

  /** Local entries held now (bounded: see maxKeys). */
  get localKeyCount(): number {
    return this.entries.size;
  }

  get(key: string): ClientRateLimitInfo | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.resetAt <= Date.now()) return undefined;
    return { totalHits: entry.synced + entry.sending + entry.pending, resetTime: entry.resetTime };
  }

  increment(key: string): ClientRateLimitInfo {
    if (!this.available) throw unavailable;
    const entry = this.current(key);
    entry.pending += 1;
    this.enqueue(entry);
    return { totalHits: entry.synced + entry.sending + entry.pending, resetTime: entry.resetTime };
  }

  decrement(key: string): void {
    const entry = this.entries.get(key);
    if (!entry || !this.available) return;
    entry.pending -= 1;
    this.enqueue(entry);
  }

  async resetKey(key: string): Promise<void> {
    this.entries.delete(key);
    await this.options.redis.del(`${this.prefix}${key}`);
  }

  /** Stops the timer and sends what is still counted only here (the edge's shutdown). */
  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
    await this.sync();
  }

  /** One round now (the timer's; tests call it to step through intervals). */
  sync(): Promise<void> {
    this.round ??= this.runRound().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  /** The key's entry in its current window: a new window starts at the end of the map's order. */
  private current(key: string): Entry {
    const now = Date.now();
    const found = this.entries.get(key);
    if (found && found.resetAt > now) return found;
    if (found) this.entries.delete(key);
    const resetAt = now + this.windowMs;
    const entry: Entry = { key, synced: 0, sending: 0, pending: 0, queued: false, resetAt, resetTime: new Date(resetAt) };
    this.entries.set(key, entry);
    return entry;
  }

  private enqueue(entry: Entry): void {
    if (entry.queued) return;
    entry.queued = true;
    this.queue.push(entry);
  }

  private async runRound(): Promise<void> {
    if (!this.available) return this.probe();
    const batch = this.queue.filter((entry) => this.entries.get(entry.key) === entry && entry.pending !== 0);
    for (const entry of this.queue) entry.queued = false;
    this.queue = [];
    for (const entry of batch) {
      entry.sending = entry.pending;
      entry.pending = 0;
    }
    try {
      if (batch.length > 0) this.apply(batch, await this.send(batch), Date.now());
    } catch (err) {
      this.fail(err);
    }
    this.evict(Date.now());
  }

  private async send(batch: Entry[]): Promise<Replies> {
    const replies = await this.exec(batch);
    if (!replies.some(([err]) => err?.message.startsWith('NOSCRIPT'))) return replies;
    // Redis restarted or its script cache was flushed: load the script, send the round again.
    await withTimeout(this.options.redis.call('SCRIPT', 'LOAD', SYNC_SCRIPT), this.roundTimeoutMs);
    return this.exec(batch);
  }

  private async exec(batch: Entry[]): Promise<Replies> {
    const pipeline = this.options.redis.pipeline();
    const windowMs = String(this.windowMs);
    for (const entry of batch) pipeline.evalsha(SYNC_SHA, 1, `${this.prefix}${entry.key}`, entry.sending, windowMs);
    const replies = (await withTimeout(pipeline.exec(), this.roundTimeoutMs)) ?? [];
    const failed = replies.find(([err]) => err && !err.message.startsWith('NOSCRIPT'));
    if (failed) throw failed[0];
    return replies as Replies;
  }

  private apply(batch: Entry[], replies: Replies, at: number): void {
    batch.forEach((entry, index) => {
      const [total, ttl] = replies[index]![1] as [number, number];
      entry.sending = 0;
      if (ttl <= 0) return;
      entry.synced = total;
      const resetAt = at + ttl;
      if (resetAt !== entry.resetAt) {
        entry.resetAt = resetAt;
        entry.resetTime = new Date(resetAt);
      }
    });
  }

  /** Redis did not answer: fail open until a probe succeeds; what was counted here is dropped. */
  private fail(err: unknown): void {
    this.available = false;
    this.entries.clear();
    this.queue = [];
    this.options.onFailure(err);
  }

  private async probe(): Promise<void> {
    try {
      await withTimeout(this.options.redis.ping(), this.roundTimeoutMs);
      this.available = true;
    } catch (err) {
      this.options.onFailure(err);
    }
  }

  /**
   * Drops entries whose window is over and, past maxKeys, the oldest synced ones. New windows
   * go to the end of the map, so expired entries are at its front: the scan stops at the first
   * live entry once under the cap. An evicted live client is read back within one interval.
   */
  private evict(now: number): void {
    for (const [key, entry] of this.entries) {
      const over = this.entries.size > this.maxKeys;
      if (!over && entry.resetAt > now) break;
      if (entry.pending === 0 && entry.sending === 0 && !entry.queued) this.entries.delete(key);
    }
  }
}
