import { Router } from 'express';
import { z } from 'zod';
import { requireIdentity } from '@tp/auth';
import { withDatabase, type Db } from '@tp/db';
import type { FeatureFlagClient } from '@tp/feature-flags';
import type { ApiRegistry, RouteDoc } from '@tp/openapi';
import { accountStorageUsage, limitsFor, storageStanding, TIERS, type StorageSettings } from '@tp/tiers';
import type { UserAccounts } from '@tp/entitlements';

const quotaSchema = z.object({
  limit: z.number().int(),
  used: z.number().int(),
  remaining: z.number().int().describe('What the next uploads may still take (never below 0)'),
});

const storageSchema = z
  .object({
    windowHours: z.number().describe('The rolling window of `files` and `bytes`'),
    retentionHours: z.number().describe('How long an upload made now is kept'),
    stored: quotaSchema.describe('Bytes held at once (stored, not yet expired, plus uploads streaming)'),
    files: quotaSchema.describe('Files uploaded in the window'),
    bytes: quotaSchema.describe('Bytes uploaded in the window'),
  })
  .describe('The account’s storage quotas with its usage now: the same reading the upload service checks an upload against');

const limitsSchema = z.object({
  tier: z.enum(TIERS),
  maxFileSizeBytes: z.number().int().min(0),
  maxFilesPerRequest: z.number().int().min(1).max(1000),
  batchUploads: z.boolean(),
  adsEnabled: z.boolean(),
  queuePriority: z.enum(['normal', 'priority']),
  storage: storageSchema,
});

const readLimits = {
  method: 'get',
  path: '/api/v1/user/limits',
  summary: "What the caller's tier allows, and how much of its storage quotas is used",
  description: 'The limits of the caller’s tier from the one tier table, with the storage quotas’ `used` and `remaining`; `adsEnabled` also honours the `ads` flag and FEATURE_ADS_ENABLED.',
  tags: ['user'],
  auth: 'required',
  responses: { 200: { description: 'Tier limits and storage usage', json: limitsSchema } },
  errors: [429, 503],
} satisfies RouteDoc;

export interface LimitsDeps {
  users: UserAccounts;
  flags: FeatureFlagClient;
  db: Db;
  storage: StorageSettings;
  clock: () => Date;
}

const HOUR_MS = 3_600_000;

/** GET /api/v1/user/limits: what the caller's tier allows, from the shared tier table, with its storage usage. */
export function limitsRoutes({ users, flags, db, storage, clock }: LimitsDeps, api: ApiRegistry): Router {
  const router = Router();
  api.mount(router, readLimits, async (req, res) => {
    const identity = requireIdentity(req);
    const { user, tier } = await users.sync(identity);
    const limits = limitsFor(tier);
    // The tier decides whether ads exist at all; the `ads` flag (FEATURE_ADS_ENABLED kill switch,
    // then the DB flag's targeting) can still turn them off for this user.
    const adsFlag = limits.ads && (await flags.isEnabled('ads', { userId: identity.userId, tier }));
    const storageLimits = storage.tiers[tier];
    const usage = await withDatabase(() => accountStorageUsage(db, user.id, clock(), storage.windowMs));
    res.set('cache-control', 'no-store').json({
      tier,
      maxFileSizeBytes: limits.maxFileSizeBytes,
      maxFilesPerRequest: limits.maxFilesPerRequest,
      batchUploads: limits.batchUploads,
      adsEnabled: adsFlag,
      queuePriority: limits.queuePriority,
      storage: {
        windowHours: storage.windowMs / HOUR_MS,
        retentionHours: storageLimits.retentionMs / HOUR_MS,
        ...storageStanding(storageLimits, usage),
      },
    });
  });
  return router;
}
