import { Router, type Request } from 'express';
import { ADMIN_ROLE, requireIdentity } from '@tp/auth';
import type { FeatureFlagRow } from '@tp/db';
import { ForbiddenError } from '@tp/errors';
import { validate, type ApiRegistry, type RouteDoc } from '@tp/openapi';
import type { FlagAdminService } from './flag-admin-service';
import { createFlagSchema, flagKeyParams, flagViewSchema, updateFlagSchema } from './flag-schemas';

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

const ADMIN_ERRORS = [403, 429];

const createFlag = {
  method: 'post',
  path: '/api/v1/flags',
  summary: 'Create a flag (admin)',
  description: 'Creates a flag; omitted fields take their defaults. Every service sees the change within a second (pub/sub). 409 when the key exists.',
  tags: ['flags'],
  auth: 'required',
  body: { json: createFlagSchema },
  responses: { 201: { description: 'The created flag', json: flagViewSchema } },
  errors: [400, ...ADMIN_ERRORS, 409],
} satisfies RouteDoc;

const updateFlag = {
  method: 'patch',
  path: '/api/v1/flags/:key',
  summary: 'Change some fields of a flag (admin)',
  description: 'Changes only the fields sent; the others keep their values.',
  tags: ['flags'],
  auth: 'required',
  params: flagKeyParams,
  body: { json: updateFlagSchema },
  responses: { 200: { description: 'The updated flag', json: flagViewSchema } },
  errors: [400, ...ADMIN_ERRORS, 404],
} satisfies RouteDoc;

const deleteFlag = {
  method: 'delete',
  path: '/api/v1/flags/:key',
  summary: 'Delete a flag (admin)',
  description: 'Removes the flag; callers then get its default (off), or the env kill switch where one exists.',
  tags: ['flags'],
  auth: 'required',
  params: flagKeyParams,
  responses: { 204: { description: 'Deleted' } },
  errors: [...ADMIN_ERRORS, 404],
} satisfies RouteDoc;

/** POST /api/v1/flags, PATCH and DELETE /api/v1/flags/:key (admin only). */
export function flagAdminRoutes(admin: FlagAdminService, api: ApiRegistry): Router {
  const router = Router();
  api.mount(router, createFlag, async (req, res) => {
    const adminId = requireAdmin(req);
    const row = await admin.create(validate(createFlag.body.json, req.body), adminId);
    res.status(201).json(flagView(row));
  });
  api.mount(router, updateFlag, async (req, res) => {
    const adminId = requireAdmin(req);
    const { key } = validate(updateFlag.params, req.params, 'params');
    const row = await admin.update(key, validate(updateFlag.body.json, req.body), adminId);
    res.json(flagView(row));
  });
  api.mount(router, deleteFlag, async (req, res) => {
    requireAdmin(req);
    await admin.delete(validate(deleteFlag.params, req.params, 'params').key);
    res.status(204).end();
  });
  return router;
}
