import { ConfigError, processEnv, type Env } from './load-config';

/**
 * Called by the development stand-ins (the dev identity provider, the dev S3 server) before they
 * listen: they hand out tokens for well-known passwords and accept fixed keys, so a production
 * deployment that starts one by mistake must fail at once instead of serving them.
 */
export function refuseInProduction(what: string, env: Env = processEnv()): void {
  if (env['NODE_ENV'] === 'production') {
    throw new ConfigError(`${what} is for development and tests only; it does not start with NODE_ENV=production`);
  }
}
