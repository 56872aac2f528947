import { createVerifier } from '@tp/auth';
import { startDatabase } from '@tp/db';
import type { AccountCacheSource } from '@tp/entitlements';
import type { FlagSource } from '@tp/feature-flags';
import type { RunServiceOptions } from '@tp/http';
import { jwksMetrics } from '@tp/metrics';
import { createApp } from './app';
import { loadUserConfig, type UserConfig } from './config';

/** What the user service takes from outside: main.ts names the Redis-backed ones, a test may name its own. */
export interface UserCollaborators {
  flags: FlagSource;
  accounts: AccountCacheSource;
}

/** The user service as a process: main.ts runs it (runService), tests start it in-process (startService). */
export function userService(collaborators: UserCollaborators): RunServiceOptions<UserConfig> {
  return {
    name: 'user',
    loadConfig: loadUserConfig,
    createApp: async (parts) => {
      const { config, logger, metrics } = parts;
      const database = startDatabase(parts);
      const verifier = createVerifier(config.auth, jwksMetrics(metrics.registry));
      const { client: flags, subscriber } = await collaborators.flags(parts, database.db);
      const entitlements = collaborators.accounts(parts);
      return createApp({ config, database, verifier, flags, logger, metrics, redis: subscriber, entitlements });
    },
  };
}
