import { Router } from 'express';
import { z } from 'zod';
import { requireIdentity } from '@tp/auth';
import type { ApiRegistry, RouteDoc } from '@tp/openapi';
import { TIERS } from '@tp/tiers';
import type { UserSyncService } from '../users/user-sync-service';

const profileSchema = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  tier: z.enum(TIERS),
  createdAt: z.iso.datetime(),
  subscription: z
    .object({
      status: z.string(),
      currentPeriodEnd: z.iso.datetime().nullable(),
      scheduledChange: z.unknown().nullable(),
      canceledAt: z.iso.datetime().nullable(),
    })
    .nullable(),
});

const readProfile = {
  method: 'get',
  path: '/api/v1/user/profile',
  summary: "The caller's account (created on first call)",
  tags: ['user'],
  auth: 'required',
  responses: { 200: { description: 'The profile', json: profileSchema } },
  errors: [429, 503],
} satisfies RouteDoc;

/** GET /api/v1/user/profile: the caller's account as stored here. */
export function profileRoutes(users: UserSyncService, api: ApiRegistry): Router {
  const router = Router();
  api.mount(router, readProfile, async (req, res) => {
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
