import { defineConfig } from 'drizzle-kit';
import { z } from 'zod';
import { databaseEnv, loadConfig } from '@tp/config';

const { DATABASE_URL } = loadConfig(z.object({ DATABASE_URL: databaseEnv.DATABASE_URL }));

export default defineConfig({
  dialect: 'postgresql',
  schema: './libs/db/src/schema/index.ts',
  out: './libs/db/migrations',
  dbCredentials: { url: DATABASE_URL },
  strict: true,
});
