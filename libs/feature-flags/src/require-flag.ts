import type { Request, RequestHandler } from 'express';
import { ServiceUnavailableError } from '@tp/errors';
import type { FeatureFlagClient } from './feature-flag-client';
import type { EvaluationContext } from './flag-types';

/** The evaluation context of a request authenticated by @tp/auth (anonymous when no identity). */
export function contextFromRequest(req: Request): EvaluationContext {
  return req.identity ? { userId: req.identity.userId, tier: req.identity.tier } : {};
}

/**
 * Refuses the request with 503 while flag `key` is off for the caller (kill switch or DB
 * flag). Mount it after `authenticate(…)` so user targeting sees the caller, e.g.
 * `router.post('/api/v1/billing/checkout', requireFlag(flags, 'payments'), handler)`.
 */
export function requireFlag(client: FeatureFlagClient, key: string, message = `The '${key}' feature is currently disabled`): RequestHandler {
  return async (req, _res, next) => {
    if (!(await client.isEnabled(key, contextFromRequest(req)))) throw new ServiceUnavailableError(message);
    next();
  };
}
