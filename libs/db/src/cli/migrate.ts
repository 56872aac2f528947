import { loadDbCliConfig } from '../db-config';
import { ensureDatabaseExists, migrateDatabase } from '../migrate-database';
import { waitForPostgres } from '../wait-for-postgres';

/** `npm run db:migrate` and the compose / Kubernetes migration job. */
async function main() {
  const { DATABASE_URL, MIGRATE_CONNECT_TIMEOUT_SECONDS } = loadDbCliConfig();
  // The job may start before PostgreSQL listens on TCP (first initialisation of the image).
  await waitForPostgres(DATABASE_URL, {
    timeoutMs: MIGRATE_CONNECT_TIMEOUT_SECONDS * 1000,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  await ensureDatabaseExists(DATABASE_URL);
  await migrateDatabase(DATABASE_URL);
  process.stdout.write('Migrations applied\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`Migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
