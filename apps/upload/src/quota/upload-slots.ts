import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A slot entry lives this long unless its upload renews it: a crashed replica's slots free themselves. */
export const SLOT_TTL_MS = 60_000;

// Scores are expiry times in Redis's own clock (TIME), so replicas' clocks never disagree.
const NOW_MS = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1] owner's slots; ARGV: max, ttl ms, slot id. 1 = taken, 0 = all in use. */
const ACQUIRE = `${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

/** KEYS[1]; ARGV: ttl ms, slot id. Pushes the slot's expiry out, unless it already expired. */
const RENEW = `${NOW_MS}
if not redis.call('ZSCORE', KEYS[1], ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

/** KEYS[1]; the owner's entries that have not expired yet (by the same clock as ACQUIRE). */
const IN_FLIGHT = `${NOW_MS}
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')`;

export interface UploadSlotsOptions {
  /** Key prefix (UPLOAD_SLOT_PREFIX). */
  prefix: string;
  ttlMs?: number;
}

/** One upload's hold on a slot: renewed while it runs, released once. */
export interface HeldSlot {
  release: () => Promise<void>;
}

/**
 * Uploads in flight per owner (an account, or an anonymous client key), counted in Redis so every
 * upload replica sees the same count. Each upload is one sorted-set entry scored by its expiry:
 * the upload renews it every third of the TTL and removes it when the request ends; an entry
 * whose process died without removing it expires after SLOT_TTL_MS and stops counting.
 */
export class UploadSlots {
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: UploadSlotsOptions,
  ) {
    this.ttlMs = options.ttlMs ?? SLOT_TTL_MS;
  }

  /** A held slot, or undefined when `owner` already has `max` uploads in flight. */
  async acquire(owner: string, max: number): Promise<HeldSlot | undefined> {
    const key = `${this.options.prefix}${owner}`;
    const id = randomUUID();
    const taken = await this.redis.eval(ACQUIRE, 1, key, max, this.ttlMs, id);
    if (taken !== 1) return undefined;
    const renew = setInterval(
      () => {
        this.redis.eval(RENEW, 1, key, this.ttlMs, id).catch(() => undefined);
      },
      // Stryker disable next-line MethodExpression: renewing more often keeps the slot too; the 10 ms floor only stops a busy loop at a tiny TTL
      Math.max(10, Math.floor(this.ttlMs / 3)),
    );
    // Stryker disable next-line CallExpression: the timer must not keep an exiting process alive, which no spec in a test process can see
    renew.unref();
    let released: Promise<void> | undefined;
    return {
      release: () => {
        // Stryker disable next-line CallExpression: after the release RENEW finds no entry and renews nothing; this only stops the timer
        clearInterval(renew);
        released ??= this.redis.zrem(key, id).then(() => undefined);
        return released;
      },
    };
  }

  /** Uploads `owner` has in flight now (expired entries do not count). */
  async inFlight(owner: string): Promise<number> {
    const key = `${this.options.prefix}${owner}`;
    return Number(await this.redis.eval(IN_FLIGHT, 1, key));
  }
}
