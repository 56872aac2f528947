import { z } from 'zod';
import { ConfigError } from './load-config';

/** Reusable field parsers: env vars are strings, these turn them into typed values. */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const booleanFlag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const commaList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    );

export const httpUrl = z.url({ protocol: /^https?$/ });

/** Shared pieces each service composes into its own schema. */
export const runtimeEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: booleanFlag(false),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
};

export const databaseEnv = {
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://postgres@127.0.0.1:5432/toolsplatform'),
  DATABASE_POOL_MAX: positiveInt(10),
};

export interface DatabaseSettings {
  url: string;
  poolMax: number;
}

/** What createDatabase takes, from the `databaseEnv` fields. */
export function databaseSettings(env: { DATABASE_URL: string; DATABASE_POOL_MAX: number }): DatabaseSettings {
  return { url: env.DATABASE_URL, poolMax: env.DATABASE_POOL_MAX };
}

export const redisEnv = {
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
};

export const keycloakEnv = {
  KEYCLOAK_URL: httpUrl.default('http://localhost:8180'),
  KEYCLOAK_REALM: z.string().min(1).default('toolsplatform'),
  KEYCLOAK_AUDIENCE: z.string().min(1).default('api-gateway'),
  /** Accepted `iss` values; empty means `${KEYCLOAK_URL}/realms/${KEYCLOAK_REALM}`. */
  KEYCLOAK_ISSUERS: commaList(''),
  JWT_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  /** This gateway's own Keycloak client: only `resource_access[<it>].roles` count, besides realm roles. */
  KEYCLOAK_CLIENT_ID: z.string().min(1).default('api-gateway'),
  /** Accepted `azp` values (comma list); empty = any client of the realm whose token is for our audience. */
  KEYCLOAK_ALLOWED_AZP: commaList(''),
  /** At most one JWKS download per interval, whatever triggers it (unknown kids included). */
  JWKS_REFRESH_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Key set age that triggers a background refresh: a key removed from the JWKS stops verifying after about this. */
  JWKS_MAX_AGE_MS: z.coerce.number().int().min(1000).max(24 * 3_600_000).default(5 * 60_000),
  /** While the JWKS cannot be fetched, known keys keep verifying this long past JWKS_MAX_AGE_MS. */
  JWKS_STALE_IF_ERROR_MS: z.coerce.number().int().min(0).max(24 * 3_600_000).default(30 * 60_000),
  JWKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
};


export interface KeycloakSettings {
  issuers: string[];
  jwksUri: string;
  audience: string;
  clientId: string;
  allowedAzp: string[];
  clockToleranceSeconds: number;
  jwks: { refreshIntervalMs: number; maxAgeMs: number; staleIfErrorMs: number; timeoutMs: number };
}

/** Derives the token-verification settings from the KEYCLOAK_* variables (Keycloak's URL layout). */
export function keycloakSettings(env: {
  KEYCLOAK_URL: string;
  KEYCLOAK_REALM: string;
  KEYCLOAK_AUDIENCE: string;
  KEYCLOAK_ISSUERS: string[];
  JWT_CLOCK_TOLERANCE_SECONDS: number;
  KEYCLOAK_CLIENT_ID: string;
  KEYCLOAK_ALLOWED_AZP: string[];
  JWKS_REFRESH_INTERVAL_MS: number;
  JWKS_MAX_AGE_MS: number;
  JWKS_STALE_IF_ERROR_MS: number;
  JWKS_TIMEOUT_MS: number;
}): KeycloakSettings {
  // A longer interval would stretch the documented bound for a removed key (about JWKS_MAX_AGE_MS).
  if (env.JWKS_REFRESH_INTERVAL_MS > env.JWKS_MAX_AGE_MS) {
    throw new ConfigError('Invalid configuration: JWKS_REFRESH_INTERVAL_MS is invalid: must not exceed JWKS_MAX_AGE_MS');
  }
  const realmUrl = `${env.KEYCLOAK_URL.replace(/(?<!\/)\/+$/, '')}/realms/${env.KEYCLOAK_REALM}`;
  return {
    issuers: env.KEYCLOAK_ISSUERS.length > 0 ? env.KEYCLOAK_ISSUERS : [realmUrl],
    jwksUri: `${realmUrl}/protocol/openid-connect/certs`,
    audience: env.KEYCLOAK_AUDIENCE,
    clientId: env.KEYCLOAK_CLIENT_ID,
    allowedAzp: env.KEYCLOAK_ALLOWED_AZP,
    clockToleranceSeconds: env.JWT_CLOCK_TOLERANCE_SECONDS,
    jwks: {
      refreshIntervalMs: env.JWKS_REFRESH_INTERVAL_MS,
      maxAgeMs: env.JWKS_MAX_AGE_MS,
      staleIfErrorMs: env.JWKS_STALE_IF_ERROR_MS,
      timeoutMs: env.JWKS_TIMEOUT_MS,
    },
  };
}

/** The runtime settings every service config exposes, from the `runtimeEnv` fields. */
export function runtimeSettings(env: {
  NODE_ENV: 'development' | 'test' | 'production';
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  LOG_PRETTY: boolean;
  SHUTDOWN_TIMEOUT_MS: number;
}) {
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  };
}

/** `<SVC>_METRICS_PORT`: unset means `fallback`, except under NODE_ENV=test (random, so parallel tests never collide). */
export const metricsPort = z.coerce.number().int().min(0).max(65535).optional();

export function metricsPortSetting(value: number | undefined, nodeEnv: string, fallback: number): number {
  return value ?? (nodeEnv === 'test' ? 0 : fallback);
}

const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/**
 * The edge's /health/detailed is public: one downstream round per HEALTH_CACHE_MS (0: only
 * concurrent callers share a round) and at most HEALTH_RATE_LIMIT_MAX calls per IP per
 * rate-limit window.
 */
export const healthEndpointEnv = {
  HEALTH_CACHE_MS: nonNegativeInt(2000),
  HEALTH_RATE_LIMIT_MAX: positiveInt(30),
};

export function healthEndpointSettings(env: { HEALTH_CACHE_MS: number; HEALTH_RATE_LIMIT_MAX: number }) {
  return { cacheMs: env.HEALTH_CACHE_MS, rateLimitMax: env.HEALTH_RATE_LIMIT_MAX };
}

/**
 * Bounded time and work per client at the edge. Uploads stream for a long time but must keep
 * moving; every other route is short, and its (small) body must arrive soon after its headers.
 * Concurrency per upstream service and open client connections are capped: past a cap the
 * edge answers 503 with Retry-After at once instead of queueing without bound.
 */
export const trafficLimitsEnv = {
  /** Client must finish sending the request headers within this. */
  EDGE_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  /** Whole request, non-upload routes (408 while the body is still arriving, else 504). */
  EDGE_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  /** Non-upload routes: the whole body must arrive within this of the headers (408). */
  EDGE_BODY_TIMEOUT_MS: positiveInt(5_000),
  /** Non-upload routes: the edge reads the body before it takes an upstream slot; larger is 413. */
  EDGE_MAX_BODY_BYTES: positiveInt(1024 * 1024),
  /** Upload routes: whole-request cap (the largest upload must fit inside it). */
  EDGE_UPLOAD_TIMEOUT_MS: positiveInt(30 * 60_000),
  /** Upload routes: no byte from the client for this long is a 408. */
  EDGE_UPLOAD_IDLE_TIMEOUT_MS: positiveInt(30_000),
  /** Open client connections; past it a new connection gets 503 and is closed. */
  EDGE_MAX_CONNECTIONS: positiveInt(4096),
  /** Requests in flight to one service; past it 503 at once. */
  UPSTREAM_MAX_IN_FLIGHT: positiveInt(512),
  /** Sockets to one service; a request waiting longer than UPSTREAM_QUEUE_TIMEOUT_MS for one gets 503. */
  UPSTREAM_MAX_SOCKETS: positiveInt(256),
  UPSTREAM_QUEUE_TIMEOUT_MS: positiveInt(2_000),
};

export interface TrafficLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  bodyTimeoutMs: number;
  maxBodyBytes: number;
  uploadTimeoutMs: number;
  uploadIdleTimeoutMs: number;
  maxConnections: number;
  upstream: { maxInFlight: number; maxSockets: number; queueTimeoutMs: number };
}

export function trafficLimits(env: {
  EDGE_HEADERS_TIMEOUT_MS: number;
  EDGE_REQUEST_TIMEOUT_MS: number;
  EDGE_BODY_TIMEOUT_MS: number;
  EDGE_MAX_BODY_BYTES: number;
  EDGE_UPLOAD_TIMEOUT_MS: number;
  EDGE_UPLOAD_IDLE_TIMEOUT_MS: number;
  EDGE_MAX_CONNECTIONS: number;
  UPSTREAM_MAX_IN_FLIGHT: number;
  UPSTREAM_MAX_SOCKETS: number;
  UPSTREAM_QUEUE_TIMEOUT_MS: number;
}): TrafficLimits {
  return {
    headersTimeoutMs: env.EDGE_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.EDGE_REQUEST_TIMEOUT_MS,
    bodyTimeoutMs: env.EDGE_BODY_TIMEOUT_MS,
    maxBodyBytes: env.EDGE_MAX_BODY_BYTES,
    uploadTimeoutMs: env.EDGE_UPLOAD_TIMEOUT_MS,
    uploadIdleTimeoutMs: env.EDGE_UPLOAD_IDLE_TIMEOUT_MS,
    maxConnections: env.EDGE_MAX_CONNECTIONS,
    upstream: { maxInFlight: env.UPSTREAM_MAX_IN_FLIGHT, maxSockets: env.UPSTREAM_MAX_SOCKETS, queueTimeoutMs: env.UPSTREAM_QUEUE_TIMEOUT_MS },
  };
}
