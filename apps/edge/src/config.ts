import { z } from 'zod';
import { booleanFlag, clientIdentityConfig, commaList, keycloakConfig, loadServiceConfig, positiveInt, redisConfig, servicePorts, serviceSpec, type Env } from '@tp/config';
import { healthEndpointEnv, healthEndpointSettings, trafficLimits, trafficLimitsEnv, upstreamsConfig } from './edge-env';

export type EdgeConfig = ReturnType<typeof loadEdgeConfig>;

export function loadEdgeConfig(env?: Env) {
  return loadServiceConfig(
    {
      ports: servicePorts(serviceSpec('edge')),
      pieces: { redisUrl: redisConfig, auth: keycloakConfig, clients: clientIdentityConfig, services: upstreamsConfig },
      env: {
        ...healthEndpointEnv,
        ...trafficLimitsEnv,
        CORS_ORIGINS: commaList('*'),
        RATE_LIMIT_MAX: positiveInt(100),
        RATE_LIMIT_WINDOW_MS: positiveInt(60_000),
        RATE_LIMIT_PREFIX: z.string().min(1).default('rl:'),
        /** 0: one Redis round trip per request (exact); else local counts synced every this many ms (bounded overshoot). */
        RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(0).max(10_000).default(100),
        UPSTREAM_TIMEOUT_MS: positiveInt(30_000),
        /** GET /docs (Swagger UI) and /docs/openapi.json; false → 404. */
        SWAGGER_ENABLED: booleanFlag(true),
        /** Only a token with the admin realm role may read the docs. */
        SWAGGER_ADMIN_ONLY: booleanFlag(true),
      },
      rules: [
        {
          path: 'CORS_ORIGINS',
          check: (parsed) => parsed.NODE_ENV === 'development' || parsed.NODE_ENV === 'test' || !parsed.CORS_ORIGINS.includes('*'),
          message: "'*' is only allowed when NODE_ENV=development; list the allowed origins",
        },
      ],
      settings: (parsed) => ({
        limits: trafficLimits(parsed),
        docs: { enabled: parsed.SWAGGER_ENABLED, adminOnly: parsed.SWAGGER_ADMIN_ONLY },
        corsOrigins: parsed.CORS_ORIGINS,
        rateLimit: { max: parsed.RATE_LIMIT_MAX, windowMs: parsed.RATE_LIMIT_WINDOW_MS, prefix: parsed.RATE_LIMIT_PREFIX, syncMs: parsed.RATE_LIMIT_SYNC_MS },
        upstreamTimeoutMs: parsed.UPSTREAM_TIMEOUT_MS,
        health: healthEndpointSettings(parsed),
      }),
    },
    env,
  );
}
