import { z } from 'zod';
import { errorBodySchema, RATE_LIMIT_HEADERS, RETRY_AFTER_HEADER, type ResponseDoc } from '@tp/openapi';

/** details of a 429 from a storage quota or the upload slots (the edge's own rate limit sends none). */
const quotaDetailsSchema = z
  .object({
    quota: z
      .enum(['stored', 'files', 'bytes', 'storage', 'concurrent'])
      .describe(
        'Which quota: `stored` (bytes held at once), `files` / `bytes` (per rolling window), `storage` (all anonymous uploads), `concurrent` (uploads in flight)',
      ),
    scope: z.enum(['client', 'network']).optional().describe('Anonymous uploads: the client (/64 for IPv6) or its wider network (/48, at 10× the numbers)'),
    limit: z.number().int().optional().describe('That quota’s limit (files, bytes or uploads in flight)'),
    used: z.number().int().optional().describe('Signed-in uploads: what the account uses of it now'),
    requested: z.number().int().optional().describe('Signed-in uploads: what this file would take (1 file, or its bytes)'),
    tier: z.enum(['FREE', 'PREMIUM']).optional(),
    retryAfterSeconds: z.number().int().describe('As in Retry-After'),
  })
  .describe('Present when a storage quota or the upload slots refused the upload; nothing of the body was read or stored');

export const quotaRefusalResponse: ResponseDoc = {
  description: 'Rate limit exceeded (edge), a storage quota or every upload slot in use (`details.quota`); retry after Retry-After',
  json: errorBodySchema.extend({ details: quotaDetailsSchema.optional() }),
  headers: { ...RATE_LIMIT_HEADERS, ...RETRY_AFTER_HEADER },
};
