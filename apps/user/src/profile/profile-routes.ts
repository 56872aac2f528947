import { Router } from 'express';
import { z } from 'zod';
import { requireIdentity } from '@tp/auth';
import type { ApiRegistry, RouteDoc } from '@tp/openapi';
import { TIERS } from '@tp/tiers';
import type { UserAccounts } from '@tp/entitlements';

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
export function profileRoutes(users: UserAccounts, api: ApiRegistry): Router {
  const router = Router();
  api.mount(router, readProfile, async (req, res) => {
    const { user, tier, subscription } = await users.sync(requireIdentity(req));
    res.json({
      id: user.id,
      email: user.email,
      username: user.username,
      tier,
      createdAt: user.createdAt.toISOString(),
      subscription: subscription && {
        status: subscription.status,
        currentPeriodEnd: subscription.currentPeriodEnd?.toISOString() ?? null,
        scheduledChange: subscription.scheduledChange ?? null,
        canceledAt: subscription.canceledAt?.toISOString() ?? null,
      },
    });
  });
  return router;
}
