import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/utils';
import type { Redis } from 'ioredis';

export interface RedisLockerOptions {
  /** Key prefix (UPLOAD_RESUMABLE_PREFIX). */
  prefix: string;
  /** A lock lives this long unless its holder renews it (every third of it): a killed replica's lock frees itself. */
  ttlMs: number;
  /** How long a request waits for another one's lock before giving up (500, the client retries). */
  acquireTimeoutMs?: number;
  /** Between two attempts to take a held lock. */
  pollMs?: number;
}

/** KEYS: lock, release request; ARGV: token, ttl. Takes a free lock and clears an old release request. */
const ACQUIRE = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then redis.call('DEL', KEYS[2]) return 1 end return 0`;

/** KEYS: lock, release request; ARGV: token, ttl. -1: the lock is no longer ours; else whether a release was asked for. */
const RENEW = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('EXISTS', KEYS[2])`;

/** KEYS: lock, release request; ARGV: token. Deletes the lock only while it is still ours (compare-and-delete). */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) return 1 end return 0`;

/** The release callbacks of the locks this process holds, by upload id. */
type Holders = Map<string, () => void>;

class RedisLock implements Lock {
  private readonly token = randomBytes(16).toString('hex');
  private renewal?: NodeJS.Timeout;
  private release?: () => void;

  constructor(
    private readonly redis: Redis,
    private readonly id: string,
    private readonly keys: [lock: string, release: string],
    private readonly options: Required<RedisLockerOptions>,
    private readonly holders: Holders,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    const deadline = Date.now() + this.options.acquireTimeoutMs;
    let asked = false;
    for (;;) {
      if ((await this.redis.eval(ACQUIRE, 2, ...this.keys, this.token, this.options.ttlMs)) === 1) {
        this.renewWhileHeld(requestRelease);
        return;
      }
      // The holder (on any replica) hears of it at its next renewal and ends its request.
      if (!asked) await this.redis.set(this.keys[1], this.token, 'PX', this.options.ttlMs);
      asked = true;
      if (signal.aborted || Date.now() >= deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
      await sleep(this.options.pollMs);
    }
  }

  async unlock(): Promise<void> {
    clearInterval(this.renewal);
    if (this.release && this.holders.get(this.id) === this.release) this.holders.delete(this.id);
    await this.redis.eval(RELEASE, 2, ...this.keys, this.token);
  }

  /** Renews every third of the TTL; a release request, or a lock lost (Redis failover, a long pause), ends the request. */
  private renewWhileHeld(requestRelease: RequestRelease): void {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      void Promise.resolve(requestRelease()).catch(() => undefined);
    };
    this.release = release;
    this.holders.set(this.id, release);
    this.renewal = setInterval(
      () => {
        this.redis.eval(RENEW, 2, ...this.keys, this.token, this.options.ttlMs).then(
          (answer) => {
            if (answer !== 0) release();
          },
          () => undefined,
        );
      },
      Math.max(10, Math.floor(this.options.ttlMs / 3)),
    );
    this.renewal.unref();
  }
}

/**
 * tus's Locker in Redis, so any replica can take any PATCH: one key per upload holding a random
 * token, renewed while the request runs, deleted only by its holder (compare-and-delete). A
 * request that finds the lock held asks its holder to let go, then waits for it.
 */
export class RedisLocker implements Locker {
  private readonly options: Required<RedisLockerOptions>;
  private readonly holders: Holders = new Map();

  constructor(
    private readonly redis: Redis,
    options: RedisLockerOptions,
  ) {
    this.options = { acquireTimeoutMs: Math.max(options.ttlMs * 3, 10_000), pollMs: 100, ...options };
  }

  newLock(id: string): Lock {
    const { prefix } = this.options;
    return new RedisLock(this.redis, id, [`${prefix}lock:${id}`, `${prefix}release:${id}`], this.options, this.holders);
  }

  /**
   * Asks this process's request holding the upload's lock to let go now, as another request's
   * release request would (tus ends its body there, keeps the bytes so far, then unlocks).
   * Whether a request here held it.
   */
  letGo(id: string): boolean {
    const release = this.holders.get(id);
    release?.();
    return release !== undefined;
  }
}
