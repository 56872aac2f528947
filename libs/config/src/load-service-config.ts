import { z } from 'zod';
import type { ConfigPiece, ListenPorts, ParsedEnv } from './config-piece';
import { runtimeEnv, runtimeSettings } from './env-schemas';
import { loadConfig, type Env } from './load-config';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a piece's own shape is erased here; its settings type is kept
type AnyPiece = ConfigPiece<any, unknown>;
type SettingsOf<P extends AnyPiece> = ReturnType<P['settings']>;
type OwnEnv<Own extends z.ZodRawShape> = ParsedEnv<typeof runtimeEnv & Own>;

/** A rule over the whole parsed env (e.g. "not the dev default in production"), reported as `path` being invalid. */
export interface EnvRule<E> {
  path: string;
  check: (env: E) => boolean;
  message: string;
}

export interface ServiceConfigSpec<Pieces extends Record<string, AnyPiece>, Own extends z.ZodRawShape, Settings> {
  /** Where it listens (`servicePorts`): becomes `port` and `metricsPort`. */
  ports: ConfigPiece<z.ZodRawShape, ListenPorts>;
  /** The shared pieces it takes, by the config field each piece's settings land in. */
  pieces: Pieces;
  /** The service's own env fields, if any. */
  env?: Own;
  rules?: EnvRule<OwnEnv<Own>>[];
  /** The service's own settings, from its own fields (and the runtime ones). */
  settings?: (env: OwnEnv<Own>) => Settings;
}

/** Flattens an intersection so editors show a config as one object. */
type Flat<T> = { [K in keyof T]: T[K] } & {};

export type ServiceConfig<Pieces extends Record<string, AnyPiece>, Settings> = Flat<
  ReturnType<typeof runtimeSettings> & ListenPorts & { [K in keyof Pieces]: SettingsOf<Pieces[K]> } & Settings
>;

/**
 * One service's config: the runtime settings every process has, its ports, the shared pieces it
 * names and its own settings, validated as one schema (a ConfigError names every bad variable).
 */
export function loadServiceConfig<Pieces extends Record<string, AnyPiece>, Own extends z.ZodRawShape = Record<never, never>, Settings = Record<never, never>>(
  spec: ServiceConfigSpec<Pieces, Own, Settings>,
  env?: Env,
): ServiceConfig<Pieces, Settings> {
  const pieceEnv = Object.values(spec.pieces).map((piece) => piece.env as z.ZodRawShape);
  const object = z.object(Object.assign({}, runtimeEnv, ...pieceEnv, spec.ports.env, spec.env));
  const schema = (spec.rules ?? []).reduce(
    (current, rule) => current.refine((parsed) => rule.check(parsed as OwnEnv<Own>), { path: [rule.path], message: rule.message }),
    object as z.ZodType<Record<string, unknown>>,
  );
  const parsed = loadConfig(schema, env);
  const shared = Object.fromEntries(Object.entries(spec.pieces).map(([field, piece]) => [field, piece.settings(parsed)]));
  return {
    ...runtimeSettings(parsed as ParsedEnv<typeof runtimeEnv>),
    ...spec.ports.settings(parsed),
    ...shared,
    ...spec.settings?.(parsed as unknown as OwnEnv<Own>),
  } as ServiceConfig<Pieces, Settings>;
}
