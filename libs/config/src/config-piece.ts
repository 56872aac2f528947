import { z } from 'zod';
import type { ServiceSpec } from './services';
import { databaseEnv, databaseSettings, keycloakEnv, keycloakSettings, metricsPort, metricsPortSetting, port, redisEnv, runtimeEnv } from './env-schemas';

/** What `loadConfig` returns for an env shape. */
export type ParsedEnv<Shape extends z.ZodRawShape> = z.output<z.ZodObject<Shape>>;

/**
 * A block of configuration several processes share: the env fields it reads and the one settings
 * object it makes of them. A service config names the pieces it takes (`loadServiceConfig`), so
 * the fields, their defaults and the settings' shape are written once, here or in the lib that
 * owns them (feature flags, entitlements).
 */
export interface ConfigPiece<Shape extends z.ZodRawShape, Settings> {
  readonly env: Shape;
  readonly settings: (env: ParsedEnv<Shape>) => Settings;
}

export function configPiece<Shape extends z.ZodRawShape, Settings>(
  env: Shape,
  settings: (env: ParsedEnv<Shape>) => Settings,
): ConfigPiece<Shape, Settings> {
  return { env, settings };
}

/** DATABASE_URL, DATABASE_POOL_MAX → what createDatabase takes. */
export const databaseConfig = configPiece(databaseEnv, databaseSettings);

/** REDIS_URL → the URL every Redis connection factory takes. */
export const redisConfig = configPiece(redisEnv, (env) => env.REDIS_URL);

/** KEYCLOAK_* and JWKS_* → what the token verifier takes. */
export const keycloakConfig = configPiece(keycloakEnv, keycloakSettings);

export interface ListenPorts {
  port: number;
  metricsPort: number;
}

/**
 * A process's two ports from its manifest entry (`servicePorts(serviceSpec('user'))`): the
 * variables and defaults are written once, in services.ts. The metrics port is random under
 * NODE_ENV=test unless set, so parallel tests never collide.
 */
export function servicePorts(spec: Pick<ServiceSpec, 'port' | 'metricsPort'>): ConfigPiece<z.ZodRawShape, ListenPorts> {
  const { port: listen, metricsPort: metrics } = spec;
  const env: z.ZodRawShape = { NODE_ENV: runtimeEnv.NODE_ENV, [listen.variable]: port(listen.default), [metrics.variable]: metricsPort };
  return configPiece(env, (parsed: Record<string, unknown>) => ({
    port: parsed[listen.variable] as number,
    metricsPort: metricsPortSetting(parsed[metrics.variable] as number | undefined, String(parsed['NODE_ENV']), metrics.default),
  }));
}
