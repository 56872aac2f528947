import { z } from 'zod';
import { errorBodySchema, type ResponseDoc } from '@tp/openapi';

/** details of a 429 from a storage quota (the edge's own rate limit sends none). */
const quotaDetailsSchema = z
  .object({
    quota: z
      .enum(['stored', 'files', 'bytes', 'storage'])
      .describe('Which quota: `stored` (bytes held at once), `files` / `bytes` (per rolling window), `storage` (all anonymous uploads)'),
    limit: z.number().int().optional().describe('That quota’s limit (files or bytes)'),
    used: z.number().int().optional().describe('Signed-in uploads: what the account uses of it now'),
    requested: z.number().int().optional().describe('Signed-in uploads: what this file would take (1 file, or its bytes)'),
    tier: z.enum(['FREE', 'PREMIUM']).optional(),
    retryAfterSeconds: z.number().int().describe('As in Retry-After'),
  })
  .describe('Present when a storage quota refused the upload; nothing of the body was read or stored');

export const quotaRefusalResponse: ResponseDoc = {
  description: 'Rate limit exceeded (edge), or a storage quota (`details.quota`); retry after Retry-After',
  json: errorBodySchema.extend({ details: quotaDetailsSchema.optional() }),
  headers: { 'Retry-After': { description: 'Seconds until the limit has room again', schema: { type: 'integer' } } },
};
