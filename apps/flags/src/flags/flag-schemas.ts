import { z } from 'zod';
import { FLAG_KEY_PATTERN } from '@tp/feature-flags';
import { TIERS } from '@tp/tiers';

const userIdList = z.array(z.string().min(1).max(255)).max(10_000);
const FLAG_KEY_MAX = 64;

const flagFields = {
  description: z.string().max(500),
  enabled: z.boolean(),
  rolloutPercentage: z.number().int().min(0).max(100),
  tiers: z.array(z.enum(TIERS)).max(TIERS.length),
  userIds: z.object({ allow: userIdList.optional(), deny: userIdList.optional() }).strict(),
};

export const createFlagSchema = z
  .object({
    key: z.string().max(FLAG_KEY_MAX).regex(FLAG_KEY_PATTERN, 'must be 2-64 characters: a lowercase letter, then lowercase letters, digits or -'),
    description: flagFields.description.default(''),
    enabled: flagFields.enabled.default(false),
    rolloutPercentage: flagFields.rolloutPercentage.default(100),
    tiers: flagFields.tiers.default([]),
    userIds: flagFields.userIds.default({}),
  })
  .strict();

export const updateFlagSchema = z
  .object({
    description: flagFields.description.optional(),
    enabled: flagFields.enabled.optional(),
    rolloutPercentage: flagFields.rolloutPercentage.optional(),
    tiers: flagFields.tiers.optional(),
    userIds: flagFields.userIds.optional(),
  })
  .strict();

export type CreateFlagInput = z.infer<typeof createFlagSchema>;
export type UpdateFlagInput = z.infer<typeof updateFlagSchema>;

/** The path parameter of /api/v1/flags/:key (any string: an unknown key is a 404, not a 400). */
export const flagKeyParams = z.object({ key: z.string().max(FLAG_KEY_MAX).describe('Flag key (any string up to 64 characters: an unknown key is a 404)') });

export const anonymousIdQuery = z.object({
  anonymousId: z
    .string()
    .max(64)
    .regex(/^[\w-]{8,64}$/, "must be 8-64 characters of letters, digits, '-' or '_'")
    .optional()
    .describe('Stable id of an anonymous visitor for percentage rollouts (the X-Anonymous-Id header wins)'),
});

export const flagEvaluationSchema = z.object({
  key: z.string().max(FLAG_KEY_MAX),
  enabled: z.boolean(),
  reason: z.enum(['STATIC', 'TARGETING_MATCH', 'SPLIT', 'DISABLED', 'DEFAULT']),
});

// One evaluation per stored flag; the table holds at most this many (an admin-managed list).
export const MAX_FLAGS = 1000;
export const flagListSchema = z.object({ flags: z.array(flagEvaluationSchema).max(MAX_FLAGS) });

const storedUserIds = z.array(z.string().max(255)).max(10_000);

export const flagViewSchema = z.object({
  key: z.string().max(FLAG_KEY_MAX),
  description: z.string().max(500),
  enabled: z.boolean(),
  rolloutPercentage: z.number().int().min(0).max(100),
  tiers: z.array(z.enum(TIERS)).max(TIERS.length),
  userIds: z.object({ allow: storedUserIds, deny: storedUserIds }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.string().max(255).nullable(),
});
