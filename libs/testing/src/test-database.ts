import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDatabase, type Database } from '@tp/db';
import { databaseUrl, templateDatabaseName } from './template-database';
import { loadTestConfig } from './test-config';

export interface TestDatabase {
  url: string;
  name: string;
  database: Database;
  /** Closes the pool and drops the database. */
  drop: () => Promise<void>;
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: loadTestConfig().TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, fully migrated database for one test file, cloned from the template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tp_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${templateDatabaseName()}`));
  const url = databaseUrl(loadTestConfig().TEST_POSTGRES_URL, name);
  const database = createDatabase({ url, poolMax: 5 });
  return {
    url,
    name,
    database,
    drop: async () => {
      await database.close().catch(() => undefined);
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
