import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';

/**
 * rate-limit-redis loads its Lua scripts once at init; if Redis is down then, the store
 * stays broken for the life of the process. This wrapper rebuilds the store after a
 * failure, so counting resumes by itself when Redis comes back. Errors still propagate
 * so express-rate-limit's `passOnStoreError` lets the request through (fail open).
 */
export class ResilientRedisStore implements Store {
  private inner?: RedisStore;
  private ready?: Promise<void>;
  /** True once `ready` resolved: the hot path then calls the store without awaiting it again. */
  private connected = false;
  private options?: Options;
  readonly prefix: string;

  constructor(
    private readonly create: () => RedisStore,
    private readonly onFailure: (err: unknown) => void,
  ) {
    this.prefix = create().prefix;
  }

  init(options: Options): void {
    this.options = options;
    void this.connect().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (!this.ready) {
      const store = this.create();
      this.inner = store;
      this.ready = Promise.resolve(store.init(this.options as Options)).then(
        () => {
          this.connected = this.inner === store;
        },
        (err: unknown) => {
          this.ready = undefined;
          throw err;
        },
      );
    }
    return this.ready;
  }

  private call<T>(operation: (store: RedisStore) => Promise<T>): Promise<T> {
    const failed = (err: unknown): never => {
      this.connected = false;
      this.ready = undefined;
      this.onFailure(err);
      throw err;
    };
    // Connected (every request but the first few): the store's own promise, no extra async frame.
    if (this.connected) return operation(this.inner as RedisStore).catch(failed);
    return this.connect()
      .then(() => operation(this.inner as RedisStore))
      .catch(failed);
  }

  get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.call((store) => store.get(key));
  }

  increment(key: string): Promise<ClientRateLimitInfo> {
    return this.call((store) => store.increment(key));
  }

  decrement(key: string): Promise<void> {
    return this.call((store) => store.decrement(key));
  }

  resetKey(key: string): Promise<void> {
    return this.call((store) => store.resetKey(key));
  }
}
