import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import * as schema from './schema';

export type Db = NodePgDatabase<typeof schema>;

export interface Database {
  db: Db;
  pool: Pool;
  /** Cheap round trip for health checks. */
  ping: () => Promise<void>;
  close: () => Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  poolMax?: number;
  /** Fail fast when Postgres is unreachable instead of queueing requests behind it. */
  connectionTimeoutMs?: number;
  statementTimeoutMs?: number;
}

/**
 * A typed Drizzle client over a pg Pool. The pool reconnects on its own, so the
 * service recovers when Postgres comes back without a restart.
 */
export function createDatabase(options: DatabaseOptions): Database {
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 2000,
    statement_timeout: options.statementTimeoutMs ?? 5000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (Postgres restart) must not crash the process.
  pool.on('error', () => undefined);
  // Nor may a checked-out client (inside a transaction) losing it: the failing query reports it.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = drizzle(pool, { schema });
  return {
    db,
    pool,
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}

/** A service's pool from its config (DATABASE_URL), closed on shutdown after everything registered later. */
export function startDatabase(parts: { config: { database: DatabaseOptions }; onClose: (closer: () => Promise<void>) => void }): Database {
  const database = createDatabase(parts.config.database);
  parts.onClose(database.close);
  return database;
}
