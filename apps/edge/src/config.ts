import { z } from 'zod';
import {
  booleanFlag,
  clientIdentityConfig,
  commaList,
  healthEndpointEnv,
  healthEndpointSettings,
  httpUrl,
  keycloakConfig,
  loadServiceConfig,
  positiveInt,
  redisConfig,
  servicePorts,
  trafficLimits,
  trafficLimitsEnv,
  type Env,
} from '@tp/config';

export type EdgeConfig = ReturnType<typeof loadEdgeConfig>;

export function loadEdgeConfig(env?: Env) {
  return loadServiceConfig(
    {
      ports: servicePorts({ EDGE_PORT: 4000 }, { EDGE_METRICS_PORT: 9400 }),
      pieces: { redisUrl: redisConfig, auth: keycloakConfig, clients: clientIdentityConfig },
      env: {
        ...healthEndpointEnv,
        ...trafficLimitsEnv,
        USER_SERVICE_URL: httpUrl.default('http://127.0.0.1:4001'),
        BILLING_SERVICE_URL: httpUrl.default('http://127.0.0.1:4003'),
        UPLOAD_SERVICE_URL: httpUrl.default('http://127.0.0.1:4002'),
        FLAGS_SERVICE_URL: httpUrl.default('http://127.0.0.1:4004'),
        CORS_ORIGINS: commaList('*'),
        RATE_LIMIT_MAX: positiveInt(100),
        RATE_LIMIT_WINDOW_MS: positiveInt(60_000),
        RATE_LIMIT_PREFIX: z.string().min(1).default('rl:'),
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
        rateLimit: { max: parsed.RATE_LIMIT_MAX, windowMs: parsed.RATE_LIMIT_WINDOW_MS, prefix: parsed.RATE_LIMIT_PREFIX },
        upstreamTimeoutMs: parsed.UPSTREAM_TIMEOUT_MS,
        health: healthEndpointSettings(parsed),
        services: { user: parsed.USER_SERVICE_URL, upload: parsed.UPLOAD_SERVICE_URL, flags: parsed.FLAGS_SERVICE_URL, billing: parsed.BILLING_SERVICE_URL },
      }),
    },
    env,
  );
}
