import type { AuthMode } from '@tp/auth';
import type { EdgeConfig } from '../config';

export interface ServiceRoute {
  /** Path prefix; everything under it goes to `target` with the path unchanged. */
  path: string;
  /** Name of the downstream service, used in logs and health. */
  service: keyof EdgeConfig['services'];
  target: string;
  /** 'none' skips token parsing entirely (signature-authenticated webhooks). */
  auth: AuthMode | 'none';
  rateLimited: boolean;
}

/** The public routing table: the one place to add a service behind the edge. */
export function serviceRoutes(config: EdgeConfig): ServiceRoute[] {
  return [{ path: '/api/v1/user', service: 'user', target: config.services.user, auth: 'required', rateLimited: true }];
}
