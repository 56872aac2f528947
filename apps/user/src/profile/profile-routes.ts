import { Router } from 'express';
import { z } from 'zod';
import { requireIdentity } from '@tp/auth';
import type { ApiRegistry, RouteDoc } from '@tp/openapi';
import { TIERS } from '@tp/tiers';
import type { UserAccounts } from '@tp/entitlements';

// Paddle's scheduled change, as Paddle sends it (snake_case): what happens to the subscription, and when.
const scheduledChangeSchema = z.object({
  action: z.enum(['cancel', 'pause', 'resume']),
  effective_at: z.iso.datetime({ offset: true }),
  resume_at: z.iso.datetime({ offset: true }).nullable(),
});

const profileSchema = z.object({
  id: z.string().max(255),
  email: z.string().max(320),
  username: z.string().max(255),
  tier: z.enum(TIERS),
  createdAt: z.iso.datetime(),
  subscription: z
    .object({
      status: z.string().max(32),
      currentPeriodEnd: z.iso.datetime().nullable(),
      scheduledChange: scheduledChangeSchema.nullable(),
      canceledAt: z.iso.datetime().nullable(),
    })
    .nullable(),
});

type ScheduledChange = z.output<typeof scheduledChangeSchema>;

/** The stored Paddle object, reduced to the documented fields. */
function scheduledChangeOf(stored: unknown): ScheduledChange | null {
  if (typeof stored !== 'object' || stored === null) return null;
  const change = stored as Partial<Record<keyof ScheduledChange, unknown>>;
  return { action: change.action, effective_at: change.effective_at, resume_at: change.resume_at ?? null } as ScheduledChange;
}

const readProfile = {
  method: 'get',
  path: '/api/v1/user/profile',
  summary: "The caller's account (created on first call)",
  description:
    'Reads the caller’s account, creating it from the token on the first call. `tier` is the one entitlement rule ' +
    '(the premium-user role or an active Paddle subscription); `subscription` is the latest Paddle subscription, or null.',
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
        scheduledChange: scheduledChangeOf(subscription.scheduledChange),
        canceledAt: subscription.canceledAt?.toISOString() ?? null,
      },
    });
  });
  return router;
}
