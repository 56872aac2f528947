import { z } from 'zod';
import { ValidationError } from '@tp/errors';
import { FLAG_KEY_PATTERN } from '@tp/feature-flags';
import { TIERS } from '@tp/tiers';

const userIdList = z.array(z.string().min(1).max(255)).max(10_000);

const flagFields = {
  description: z.string().max(500),
  enabled: z.boolean(),
  rolloutPercentage: z.number().int().min(0).max(100),
  tiers: z.array(z.enum(TIERS)).max(TIERS.length),
  userIds: z.object({ allow: userIdList.optional(), deny: userIdList.optional() }).strict(),
};

export const createFlagSchema = z
  .object({
    key: z.string().regex(FLAG_KEY_PATTERN, 'must be 2-64 characters: a lowercase letter, then lowercase letters, digits or -'),
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

/** `userIds.allow[2]` from zod's path segments. */
function fieldName(path: PropertyKey[]): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i > 0 ? '.' : ''}${String(segment)}`)).join('');
}

/** Parses a request body; the 400 message names the offending field first. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? fieldName(issue.path) : issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'body';
    return `${field}: ${issue.message}`;
  });
  throw new ValidationError(messages.join('; '));
}
