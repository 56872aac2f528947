import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { Pool } from 'pg';
import * as schema from './schema';

export type DbTransaction = Parameters<Parameters<NodePgDatabase<typeof schema>['transaction']>[0]>[0];

/**
 * Runs `work` in one transaction on a client we check out ourselves: drizzle's pool-level
 * transaction issues BEGIN outside its try/finally, so a connection lost at BEGIN would never
 * be released and an outage would slowly drain the pool. A client that failed is destroyed
 * instead of going back to the pool.
 */
export async function inTransaction<T>(pool: Pool, work: (tx: DbTransaction) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    return await drizzle(client, { schema }).transaction(work);
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.release(failure);
  }
}
