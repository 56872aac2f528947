import { z } from 'zod';
import { databaseEnv, loadConfig, loadConfigOrExit } from '@tp/config';

const dbCliSchema = z.object({ DATABASE_URL: databaseEnv.DATABASE_URL });

/** Config for the db command-line entry points (migrate, seed). */
export const loadDbCliConfig = () => loadConfigOrExit(() => loadConfig(dbCliSchema));
