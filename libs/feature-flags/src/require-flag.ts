import type { Request, RequestHandler } from 'express';
import type { Identity } from '@tp/auth';
import { ServiceUnavailableError } from '@tp/errors';
import type { Tier } from '@tp/tiers';
import type { FeatureFlagClient } from './feature-flag-client';
import type { EvaluationContext } from './flag-types';

/** The caller's tier from the entitlement rule, e.g. `(identity) => accounts.tierOf(identity)` (@tp/entitlements). */
export type TierOf = (identity: Identity) => Promise<Tier>;

/**
 * The evaluation context of a request authenticated by @tp/auth (anonymous when no identity).
 * The tier is never taken from the token's role alone (a paying user has no role): without
 * `tierOf` it is left out, so tier-targeted flags stay off.
 */
export async function contextFromRequest(req: Request, tierOf?: TierOf): Promise<EvaluationContext> {
  if (!req.identity) return {};
  return tierOf ? { userId: req.identity.userId, tier: await tierOf(req.identity) } : { userId: req.identity.userId };
}

export interface RequireFlagOptions {
  message?: string;
  /** The caller's tier, when the flag targets tiers. */
  tierOf?: TierOf;
  /** Called for each refused request, where the decision is made: count it here. */
  onRefused?: (req: Request) => void;
}

/**
 * Refuses the request with 503 while flag `key` is off for the caller (kill switch or DB
 * flag). Mount it after `authenticate(…)` so user targeting sees the caller, e.g.
 * `router.post('/api/v1/billing/checkout', requireFlag(flags, 'payments'), handler)`; pass
 * `tierOf` when the flag targets tiers.
 */
export function requireFlag(client: FeatureFlagClient, key: string, options: RequireFlagOptions = {}): RequestHandler {
  const { message = `The '${key}' feature is currently disabled`, tierOf, onRefused } = options;
  return async (req, _res, next) => {
    if (!(await client.isEnabled(key, await contextFromRequest(req, tierOf)))) {
      onRefused?.(req);
      throw new ServiceUnavailableError(message);
    }
    next();
  };
}
