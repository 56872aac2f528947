import { Router } from 'express';
import { requireIdentity } from '@tp/auth';
import type { FeatureFlagClient } from '@tp/feature-flags';
import { limitsFor } from '@tp/tiers';
import type { UserSyncService } from '../users/user-sync-service';

/** GET /api/v1/user/limits: what the caller's tier allows, from the shared tier table. */
export function limitsRoutes(users: UserSyncService, flags: FeatureFlagClient): Router {
  const router = Router();
  router.get('/api/v1/user/limits', async (req, res) => {
    const user = await users.sync(requireIdentity(req));
    const limits = limitsFor(user.tier);
    // The tier decides whether ads exist at all; the `ads` flag (FEATURE_ADS_ENABLED kill switch,
    // then the DB flag's targeting) can still turn them off for this user.
    const adsFlag = limits.ads && (await flags.isEnabled('ads', { userId: user.keycloakId, tier: user.tier }));
    res.json({
      tier: user.tier,
      maxFileSizeBytes: limits.maxFileSizeBytes,
      maxFilesPerRequest: limits.maxFilesPerRequest,
      batchUploads: limits.batchUploads,
      adsEnabled: adsFlag,
      queuePriority: limits.queuePriority,
    });
  });
  return router;
}
