import { Client } from 'pg';
import { isDatabaseUnavailable } from './database-errors';

export interface WaitForPostgresOptions {
  /** Stop retrying after this long (one attempt is always made). */
  timeoutMs: number;
  intervalMs?: number;
  /** Called with a loggable line (host and port, never credentials): once when waiting starts, once when it ends. */
  log?: (line: string) => void;
}

const reasonOf = (err: unknown): string => {
  const { code, message } = err as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : String(message ?? err);
};

async function attempt(url: string, connectTimeoutMs: number): Promise<unknown> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return undefined;
  } catch (err) {
    return err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Resolves once the Postgres server of `url` accepts connections. A server that is not up yet
 * (refused, reset, "starting up") is retried until `timeoutMs`; any other error (bad password,
 * for instance) fails at once. A missing database counts as up: the migrator creates it.
 * Why: Compose and Kubernetes can start the migrator before Postgres listens on TCP.
 */
export async function waitForPostgres(url: string, options: WaitForPostgresOptions): Promise<void> {
  const { hostname, port } = new URL(url);
  const where = `${hostname}:${port || 5432}`;
  const started = Date.now();
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  let waiting = false;
  for (;;) {
    const err = await attempt(url, Math.max(1000, Math.min(5000, options.timeoutMs)));
    if (err === undefined || (err as { code?: unknown }).code === '3D000') {
      if (waiting) options.log?.(`PostgreSQL at ${where} is up after ${seconds(Date.now() - started)}`);
      return;
    }
    if (!isDatabaseUnavailable(err)) throw err;
    if (Date.now() - started >= options.timeoutMs) {
      throw new Error(`PostgreSQL at ${where} still not accepting connections after ${seconds(options.timeoutMs)} (${reasonOf(err)})`);
    }
    if (!waiting) {
      waiting = true;
      options.log?.(`PostgreSQL at ${where} is not accepting connections yet (${reasonOf(err)}); retrying for up to ${seconds(options.timeoutMs)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
}
