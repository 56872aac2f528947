import { Router, type Request } from 'express';
import { ADMIN_ROLE, requireIdentity } from '@tp/auth';
import type { FeatureFlagRow } from '@tp/db';
import { ForbiddenError } from '@tp/errors';
import type { FlagAdminService } from './flag-admin-service';
import { createFlagSchema, parseBody, updateFlagSchema } from './flag-schemas';

/** 401 without a token, 403 without the realm role `admin`; returns the admin's user id. */
function requireAdmin(req: Request): string {
  const identity = requireIdentity(req);
  if (!identity.roles.includes(ADMIN_ROLE)) throw new ForbiddenError('Managing feature flags requires the admin role');
  return identity.userId;
}

export function flagView(row: FeatureFlagRow) {
  return {
    key: row.key,
    description: row.description,
    enabled: row.enabled,
    rolloutPercentage: row.rolloutPercentage,
    tiers: row.tiers,
    userIds: { allow: row.allowUserIds, deny: row.denyUserIds },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    updatedBy: row.updatedBy,
  };
}

/** POST /api/v1/flags, PATCH and DELETE /api/v1/flags/:key (admin only). */
export function flagAdminRoutes(admin: FlagAdminService): Router {
  const router = Router();
  router.post('/api/v1/flags', async (req, res) => {
    const adminId = requireAdmin(req);
    const row = await admin.create(parseBody(createFlagSchema, req.body), adminId);
    res.status(201).json(flagView(row));
  });
  router.patch('/api/v1/flags/:key', async (req, res) => {
    const adminId = requireAdmin(req);
    const row = await admin.update(req.params.key, parseBody(updateFlagSchema, req.body), adminId);
    res.json(flagView(row));
  });
  router.delete('/api/v1/flags/:key', async (req, res) => {
    requireAdmin(req);
    await admin.delete(req.params.key);
    res.status(204).end();
  });
  return router;
}
