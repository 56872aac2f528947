import type { Express } from 'express';
import { authenticate, type TokenVerifier } from '@tp/auth';
import type { Database } from '@tp/db';
import { createUserAccounts, type AccountCache } from '@tp/entitlements';
import type { FeatureFlagClient } from '@tp/feature-flags';
import { createServiceApp } from '@tp/http';
import type { Logger } from '@tp/logging';
import type { ServiceMetrics } from '@tp/metrics';
import { ApiRegistry, openApiHandler } from '@tp/openapi';
import type { UserConfig } from './config';
import { limitsRoutes } from './limits/limits-routes';
import { profileRoutes } from './profile/profile-routes';

export interface UserAppDeps {
  config: UserConfig;
  database: Database;
  verifier: TokenVerifier;
  /** Local flag evaluation (ads, registration) from the shared feature_flags cache. */
  flags: FeatureFlagClient;
  logger: Logger;
  clock?: () => Date;
  metrics?: ServiceMetrics;
  /** The flag-change subscriber connection, for /health/detailed (optional: the cache TTL still bounds staleness). */
  redis?: { ping: () => Promise<unknown> };
  /** Accounts cached until billing announces a change; without it every request reads the database. */
  entitlements?: AccountCache;
}

/** The user service: profile and tier limits, with lazy user sync on every authenticated call. */
export function createApp(deps: UserAppDeps): Express {
  const clock = deps.clock ?? (() => new Date());
  const users = createUserAccounts({ db: deps.database.db, settings: deps.config.entitlements, flags: deps.flags, clock, cache: deps.entitlements });
  return createServiceApp({
    logger: deps.logger,
    metrics: deps.metrics,
    healthChecks: [
      { name: 'postgres', required: true, readiness: true, run: deps.database.ping },
      ...(deps.redis ? [{ name: 'redis', required: false, run: async () => void (await deps.redis?.ping()) }] : []),
    ],
    routes: (app) => {
      // The service verifies the bearer token itself: a request that bypasses the edge
      // with forged identity headers gets nothing.
      app.use('/api/v1/user', authenticate(deps.verifier, 'required'));
      const api = new ApiRegistry();
      app.use(profileRoutes(users, api));
      app.use(limitsRoutes({ users, flags: deps.flags, db: deps.database.db, storage: deps.config.storage, clock }, api));
      // Internal: the edge merges this fragment into /docs/openapi.json.
      app.get('/openapi.json', openApiHandler(api));
    },
  });
}
