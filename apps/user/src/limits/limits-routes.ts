import { Router } from 'express';
import { z } from 'zod';
import { requireIdentity } from '@tp/auth';
import type { FeatureFlagClient } from '@tp/feature-flags';
import type { ApiRegistry, RouteDoc } from '@tp/openapi';
import { limitsFor, TIERS } from '@tp/tiers';
import type { UserAccounts } from '@tp/entitlements';

const limitsSchema = z.object({
  tier: z.enum(TIERS),
  maxFileSizeBytes: z.number().int().min(0),
  maxFilesPerRequest: z.number().int().min(1).max(1000),
  batchUploads: z.boolean(),
  adsEnabled: z.boolean(),
  queuePriority: z.enum(['normal', 'priority']),
});

const readLimits = {
  method: 'get',
  path: '/api/v1/user/limits',
  summary: "What the caller's tier allows",
  description: 'The limits of the caller’s tier from the one tier table; `adsEnabled` also honours the `ads` flag and FEATURE_ADS_ENABLED.',
  tags: ['user'],
  auth: 'required',
  responses: { 200: { description: 'Tier limits', json: limitsSchema } },
  errors: [429, 503],
} satisfies RouteDoc;

/** GET /api/v1/user/limits: what the caller's tier allows, from the shared tier table. */
export function limitsRoutes(users: UserAccounts, flags: FeatureFlagClient, api: ApiRegistry): Router {
  const router = Router();
  api.mount(router, readLimits, async (req, res) => {
    const identity = requireIdentity(req);
    const { tier } = await users.sync(identity);
    const limits = limitsFor(tier);
    // The tier decides whether ads exist at all; the `ads` flag (FEATURE_ADS_ENABLED kill switch,
    // then the DB flag's targeting) can still turn them off for this user.
    const adsFlag = limits.ads && (await flags.isEnabled('ads', { userId: identity.userId, tier }));
    res.json({
      tier,
      maxFileSizeBytes: limits.maxFileSizeBytes,
      maxFilesPerRequest: limits.maxFilesPerRequest,
      batchUploads: limits.batchUploads,
      adsEnabled: adsFlag,
      queuePriority: limits.queuePriority,
    });
  });
  return router;
}
