export { loadConfig, loadConfigOrExit, processEnv, ConfigError, type Env } from './load-config';
export * from './env-schemas';
