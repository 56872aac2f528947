import type { StartServerOptions } from '@tp/http';
import type { EdgeConfig } from './config';

/**
 * The server-wide bounds (per-route ones are request-deadlines.ts): the whole-request cap is
 * the upload one, the longest any route may take; headers must arrive quickly everywhere.
 */
export function edgeServerOptions(config: EdgeConfig): Pick<StartServerOptions, 'requestTimeoutMs' | 'headersTimeoutMs' | 'maxConnections'> {
  return {
    requestTimeoutMs: config.limits.uploadTimeoutMs,
    headersTimeoutMs: config.limits.headersTimeoutMs,
    maxConnections: config.limits.maxConnections,
  };
}
