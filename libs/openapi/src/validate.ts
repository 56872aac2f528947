import type { z } from 'zod';
import { ValidationError } from '@tp/errors';

export type RequestPart = 'body' | 'query' | 'params' | 'headers';

/** `userIds.allow[2]` from zod's path segments. */
function fieldName(path: PropertyKey[]): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i > 0 ? '.' : ''}${String(segment)}`)).join('');
}

/** The first string in `value` holding U+0000 (which Postgres text refuses), with its field path. */
function nulField(value: unknown, path: PropertyKey[]): PropertyKey[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = nulField(item, [...path, Array.isArray(value) ? Number(key) : key]);
    if (found) return found;
  }
  return undefined;
}

/**
 * Parses one part of a request with the same schema the route documents; the 400 message
 * names each offending field first (`tiers[0]: Invalid option…`).
 */
export function validate<T extends z.ZodType>(schema: T, value: unknown, part: RequestPart = 'body'): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) {
    // Validated values go on to Postgres, which refuses NUL in text: a 400 here instead of a 500 there.
    const nul = nulField(result.data, []);
    if (nul) throw new ValidationError(`${nul.length > 0 ? fieldName(nul) : part}: must not contain the NUL character (U+0000)`);
    return result.data;
  }
  const messages = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? fieldName(issue.path) : issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : part;
    return `${field}: ${issue.message}`;
  });
  throw new ValidationError(messages.join('; '));
}
