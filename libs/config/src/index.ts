export { loadConfig, loadConfigOrExit, processEnv, ConfigError, type Env } from './load-config';
export * from './env-schemas';
export { configPiece, databaseConfig, keycloakConfig, redisConfig, servicePorts, type ConfigPiece, type ListenPorts, type ParsedEnv } from './config-piece';
export { loadServiceConfig, type EnvRule, type ServiceConfig, type ServiceConfigSpec } from './load-service-config';
export { refuseInProduction } from './refuse-in-production';
export { clientIdentityConfig, clientIdentityEnv, type ClientIdentitySettings } from './client-identity-env';
export { SERVICES, TELEMETRY_PRELOAD, UPSTREAMS, serviceSpec, type PortVariable, type ServiceName, type ServiceSpec, type UpstreamName } from './services';
export { telemetryConfig, type TelemetrySettings } from './telemetry-env';
export { PROCESS_SHUTDOWN_CHANNEL, type ShutdownMessage } from './process-shutdown';
