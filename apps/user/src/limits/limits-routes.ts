import { Router } from 'express';
import { requireIdentity } from '@tp/auth';
import { limitsFor } from '@tp/tiers';
import type { UserSyncService } from '../users/user-sync-service';

export interface LimitsFeatures {
  /** FEATURE_ADS_ENABLED: a kill switch over the tier's own ads setting. */
  ads: boolean;
}

/** GET /api/v1/user/limits: what the caller's tier allows, from the shared tier table. */
export function limitsRoutes(users: UserSyncService, features: LimitsFeatures): Router {
  const router = Router();
  router.get('/api/v1/user/limits', async (req, res) => {
    const user = await users.sync(requireIdentity(req));
    const limits = limitsFor(user.tier);
    res.json({
      tier: user.tier,
      maxFileSizeBytes: limits.maxFileSizeBytes,
      maxFilesPerRequest: limits.maxFilesPerRequest,
      batchUploads: limits.batchUploads,
      adsEnabled: features.ads && limits.ads,
      queuePriority: limits.queuePriority,
    });
  });
  return router;
}
