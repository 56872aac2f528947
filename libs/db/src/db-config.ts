import { z } from 'zod';
import { databaseEnv, loadConfig, loadConfigOrExit } from '@tp/config';

const dbCliSchema = z.object({
  DATABASE_URL: databaseEnv.DATABASE_URL,
  /** How long the migrator waits for PostgreSQL to accept its first connection (0: one attempt). */
  MIGRATE_CONNECT_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
});

/** Config for the db command-line entry points (migrate, seed). */
export const loadDbCliConfig = () => loadConfigOrExit(() => loadConfig(dbCliSchema));
