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
