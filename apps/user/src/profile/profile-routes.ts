import { Router } from 'express';
import { requireIdentity } from '@tp/auth';
import type { UserSyncService } from '../users/user-sync-service';

/** GET /api/v1/user/profile: the caller's account as stored here. */
export function profileRoutes(users: UserSyncService): Router {
  const router = Router();
  router.get('/api/v1/user/profile', async (req, res) => {
    const user = await users.sync(requireIdentity(req));
    res.json({
      id: user.id,
      email: user.email,
      username: user.username,
      tier: user.tier,
      createdAt: user.createdAt.toISOString(),
      subscription: user.subscription && {
        status: user.subscription.status,
        currentPeriodEnd: user.subscription.currentPeriodEnd?.toISOString() ?? null,
        scheduledChange: user.subscription.scheduledChange ?? null,
        canceledAt: user.subscription.canceledAt?.toISOString() ?? null,
      },
    });
  });
  return router;
}
