import type { Request } from 'express';
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
  /**
   * Bodies stream to the service as they arrive (uploads): long time limit plus an idle limit.
   * Otherwise the edge reads the (small) body first, within EDGE_BODY_TIMEOUT_MS.
   */
  streaming?: boolean;
  /** Requests of this route that spend a request only when answered ≥ 400 (countedUnless). */
  chargedOnlyOnFailure?: (req: Request) => boolean;
}

/**
 * A signed-in PATCH to one resumable upload (`/<id>` under the route): a 200 MB file in 5 MB chunks
 * is 40 of them, so an accepted one does not spend the requests per minute (a refused one does);
 * creation (POST) always does, and PATCHes in flight count against the upload slots in the upload service.
 */
export const isResumablePatch = (req: Request): boolean => req.method === 'PATCH' && req.identity !== undefined && /^\/[^/]+\/?$/.test(req.path);

/** Whether a request is on a streaming route (prefix match, as Express mounts them). */
export function isStreamingPath(routes: ServiceRoute[], path: string): boolean {
  return routes.some((route) => route.streaming === true && (path === route.path || path.startsWith(`${route.path}/`)));
}

/** The public routing table: the one place to add a service behind the edge. */
export function serviceRoutes(config: EdgeConfig): ServiceRoute[] {
  return [
    { path: '/api/v1/user', service: 'user', target: config.services.user, auth: 'required', rateLimited: true },
    // Optional auth: anonymous visitors read flags too; the flags service checks the admin role itself.
    { path: '/api/v1/flags', service: 'flags', target: config.services.flags, auth: 'optional', rateLimited: true },
    // Paddle signs each delivery (checked by the billing service) and sends from a few IPs: no token, no rate limit.
    { path: '/api/v1/webhooks/paddle', service: 'billing', target: config.services.billing, auth: 'none', rateLimited: false },
    // Resumable (tus) uploads: OPTIONS (discovery) needs no token; the upload service requires one for the rest.
    {
      path: '/api/v1/upload/resumable',
      service: 'upload',
      target: config.services.upload,
      auth: 'optional',
      rateLimited: true,
      streaming: true,
      chargedOnlyOnFailure: isResumablePatch,
    },
    // More specific first: anonymous uploads (and their token read-back) need no bearer token.
    { path: '/api/v1/upload/anonymous', service: 'upload', target: config.services.upload, auth: 'optional', rateLimited: true, streaming: true },
    { path: '/api/v1/upload', service: 'upload', target: config.services.upload, auth: 'required', rateLimited: true, streaming: true },
  ];
}
