export { loadConfig, loadConfigOrExit, processEnv, ConfigError, type Env } from './load-config';
export * from './env-schemas';
export { refuseInProduction } from './refuse-in-production';
