import { z } from 'zod';

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
};

export interface KeycloakSettings {
  issuers: string[];
  jwksUri: string;
  audience: string;
  clockToleranceSeconds: number;
}

/** Derives the token-verification settings from the KEYCLOAK_* variables (Keycloak's URL layout). */
export function keycloakSettings(env: {
  KEYCLOAK_URL: string;
  KEYCLOAK_REALM: string;
  KEYCLOAK_AUDIENCE: string;
  KEYCLOAK_ISSUERS: string[];
  JWT_CLOCK_TOLERANCE_SECONDS: number;
}): KeycloakSettings {
  const realmUrl = `${env.KEYCLOAK_URL.replace(/\/+$/, '')}/realms/${env.KEYCLOAK_REALM}`;
  return {
    issuers: env.KEYCLOAK_ISSUERS.length > 0 ? env.KEYCLOAK_ISSUERS : [realmUrl],
    jwksUri: `${realmUrl}/protocol/openid-connect/certs`,
    audience: env.KEYCLOAK_AUDIENCE,
    clockToleranceSeconds: env.JWT_CLOCK_TOLERANCE_SECONDS,
  };
}

/**
 * Environment kill switches. `false` turns a feature off everywhere and wins over any
 * database flag; `true` leaves the decision to the database flag of the same name.
 */
export const featureToggleEnv = {
  FEATURE_ADS_ENABLED: booleanFlag(true),
  FEATURE_PAYMENTS_ENABLED: booleanFlag(true),
  FEATURE_PREMIUM_TOOLS_ENABLED: booleanFlag(true),
  FEATURE_REGISTRATION_ENABLED: booleanFlag(true),
};

export interface FeatureToggles {
  ads: boolean;
  payments: boolean;
  premiumTools: boolean;
  registration: boolean;
}

export function featureToggles(env: {
  FEATURE_ADS_ENABLED: boolean;
  FEATURE_PAYMENTS_ENABLED: boolean;
  FEATURE_PREMIUM_TOOLS_ENABLED: boolean;
  FEATURE_REGISTRATION_ENABLED: boolean;
}): FeatureToggles {
  return {
    ads: env.FEATURE_ADS_ENABLED,
    payments: env.FEATURE_PAYMENTS_ENABLED,
    premiumTools: env.FEATURE_PREMIUM_TOOLS_ENABLED,
    registration: env.FEATURE_REGISTRATION_ENABLED,
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

/**
 * Express `trust proxy`: 'false' | 'true' | hop count | subnet list ('loopback', '10.0.0.0/8,…').
 * Explicit, so a client IP is never read from a forgeable X-Forwarded-For by accident.
 */
export const trustProxySetting = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value): boolean | number | string => {
      if (value === 'false') return false;
      if (value === 'true') return true;
      return /^\d+$/.test(value) ? Number(value) : value;
    });
