import { createDatabase } from '../create-database';
import { loadDbCliConfig } from '../db-config';
import { migrateDatabase } from '../migrate-database';
import { users } from '../schema';

/**
 * `npm run db:seed`: local sample users matching the dev identity provider's accounts.
 * Real users are created lazily on first sign-in; this only makes an empty dev DB browsable.
 */
async function main() {
  const { DATABASE_URL } = loadDbCliConfig();
  await migrateDatabase(DATABASE_URL);
  const database = createDatabase({ url: DATABASE_URL });
  try {
    const inserted = await database.db
      .insert(users)
      .values([
        { keycloakId: 'seed-free', email: 'seed-free@example.com', username: 'seed-free', tier: 'FREE' },
        { keycloakId: 'seed-premium', email: 'seed-premium@example.com', username: 'seed-premium', tier: 'PREMIUM' },
      ])
      .onConflictDoNothing()
      .returning({ id: users.id });
    process.stdout.write(`Seeded ${inserted.length} users\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
