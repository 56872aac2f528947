import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrateDatabase, migrationsFolder } from '@tp/db';

/** The template's name carries a hash of the migrations, so a schema change makes a new one. */
export function templateDatabaseName(): string {
  const folder = migrationsFolder();
  const hash = createHash('sha256');
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.sql')).sort()) {
    hash.update(file).update(readFileSync(join(folder, file)));
  }
  return `tp_tpl_${hash.digest('hex').slice(0, 12)}`;
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Migrates a template database once per schema version; test files clone it in milliseconds. */
export async function ensureTemplateDatabase(serverUrl: string): Promise<string> {
  const name = templateDatabaseName();
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // Parallel Jest runs must not build the same template twice.
    await admin.query('SELECT pg_advisory_lock(724002)');
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      const building = `${name}_build`;
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${building}`);
      await migrateDatabase(databaseUrl(serverUrl, building));
      // Renamed only once complete, so a crashed build never leaves a half-migrated template.
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(724002)').catch(() => undefined);
    await admin.end();
  }
  return name;
}
