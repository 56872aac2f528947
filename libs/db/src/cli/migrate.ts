import { loadDbCliConfig } from '../db-config';
import { ensureDatabaseExists, migrateDatabase } from '../migrate-database';

/** `npm run db:migrate` and the compose migration job. */
async function main() {
  const { DATABASE_URL } = loadDbCliConfig();
  await ensureDatabaseExists(DATABASE_URL);
  await migrateDatabase(DATABASE_URL);
  process.stdout.write('Migrations applied\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`Migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
