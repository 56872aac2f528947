import type { Express } from 'express';
import type { Redis } from 'ioredis';
import { authenticate, type Identity, type TokenVerifier } from '@tp/auth';
import type { Database } from '@tp/db';
import { createUserAccounts, tierFor, type AccountCache } from '@tp/entitlements';
import type { FeatureFlagClient } from '@tp/feature-flags';
import { createServiceApp } from '@tp/http';
import type { Logger } from '@tp/logging';
import type { ServiceMetrics } from '@tp/metrics';
import { ApiRegistry, openApiHandler } from '@tp/openapi';
import type { FlagsConfig } from './config';
import { FlagAdminService } from './flags/flag-admin-service';
import { flagAdminRoutes } from './flags/flag-admin-routes';
import { flagReadRoutes } from './flags/flag-read-routes';
import { FlagStore } from './flags/flag-store';

export interface FlagsAppDeps {
  config: FlagsConfig;
  database: Database;
  verifier: TokenVerifier;
  /** Evaluates for GET; the same cached client every other service uses. */
  flags: FeatureFlagClient;
  /** Publishes change messages after admin writes. */
  publisher: Redis;
  logger: Logger;
  clock?: () => Date;
  metrics?: ServiceMetrics;
  /** Accounts cached until billing announces a change; without it every signed-in read queries the database. */
  entitlements?: AccountCache;
}

/** The flags service: flag evaluation for any caller and admin CRUD over feature_flags. */
export function createApp(deps: FlagsAppDeps): Express {
  const clock = deps.clock ?? (() => new Date());
  const admin = new FlagAdminService({
    store: new FlagStore(deps.database.db),
    flags: deps.flags,
    publisher: deps.publisher,
    channel: deps.config.flags.channel,
    logger: deps.logger,
    clock,
  });
  const accounts = createUserAccounts({ db: deps.database.db, settings: deps.config.entitlements, flags: deps.flags, clock, cache: deps.entitlements });
  // Reading flags must not fail with the database: then only the role can make the caller PREMIUM.
  const tierOf = (identity: Identity) => accounts.tierOf(identity).catch(() => tierFor(identity.roles, [], clock(), []));
  return createServiceApp({
    logger: deps.logger,
    metrics: deps.metrics,
    healthChecks: [
      { name: 'postgres', required: true, readiness: true, run: deps.database.ping },
      // Without Redis, changes still propagate by cache TTL: degraded, not down.
      { name: 'redis', required: false, run: async () => void (await deps.publisher.ping()) },
    ],
    routes: (app) => {
      // Anonymous callers may read flags; admin routes check the identity themselves.
      app.use('/api/v1/flags', authenticate(deps.verifier, 'optional'));
      const api = new ApiRegistry();
      app.use(flagReadRoutes(deps.flags, tierOf, api));
      app.use(flagAdminRoutes(admin, api));
      // Internal: the edge merges this fragment into /docs/openapi.json.
      app.get('/openapi.json', openApiHandler(api));
    },
  });
}
