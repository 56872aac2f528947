import type { z } from 'zod';
import { ValidationError } from '@tp/errors';

export type RequestPart = 'body' | 'query' | 'params' | 'headers';

/** `userIds.allow[2]` from zod's path segments. */
function fieldName(path: PropertyKey[]): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i > 0 ? '.' : ''}${String(segment)}`)).join('');
}

/**
 * Parses one part of a request with the same schema the route documents; the 400 message
 * names each offending field first (`tiers[0]: Invalid option…`).
 */
export function validate<T extends z.ZodType>(schema: T, value: unknown, part: RequestPart = 'body'): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? fieldName(issue.path) : issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : part;
    return `${field}: ${issue.message}`;
  });
  throw new ValidationError(messages.join('; '));
}
