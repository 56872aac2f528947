import { z } from 'zod';
import { multipartFiles, type RouteDoc, type SecuritySchemeName } from '@tp/openapi';
import { limitsFor } from '@tp/tiers';
import { quotaRefusalResponse } from '../quota/quota-refusal-docs';

const FREE = limitsFor('FREE');
const PREMIUM = limitsFor('PREMIUM');

// A display name is sanitized to at most 200 characters; MIME types are short; a batch holds at most 20 files.
const fileName = z.string().max(200);
const mimeType = z.string().max(255);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/).max(64);

const storedFileSchema = z.object({
  id: z.uuid(),
  name: fileName,
  size: z.number().int().min(0),
  sha256: sha256Hex,
  mime: mimeType,
  status: z.literal('queued'),
  token: z.string().max(64).optional().describe('Anonymous uploads only: the read-back token, returned once'),
});

const uploadedSchema = z.object({ files: z.array(storedFileSchema).max(PREMIUM.maxFilesPerRequest) });

const uploadStatusSchema = z.object({
  id: z.uuid(),
  name: fileName,
  status: z.enum(['uploading', 'queued', 'processing', 'ready', 'failed']),
  size: z.number().int().min(0).nullable(),
  sha256: sha256Hex.nullable(),
  mime: mimeType.nullable(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().optional().describe('When the sweep deletes it (tier retention); afterwards the status is 410'),
  failureReason: z.string().max(500).optional(),
  downloadUrl: z.string().max(4096).optional().describe('Presigned S3 URL, valid until downloadUrlExpiresAt'),
  downloadUrlExpiresAt: z.iso.datetime().optional(),
});

export const uploadIdParams = z.object({ id: z.string().max(64).describe('Upload id (a UUID; anything else is a 404)') });

/** The read-back token travels in a header only (a query string lands in proxy logs): `?token=` is a 400. */
export const TOKEN_IN_QUERY = 'Send the read-back token in the X-Upload-Token header, not in the query string';
/** An anonymous upload's read-back token: the X-Upload-Token header. */
const READ_BACK: SecuritySchemeName[] = ['uploadToken'];

// 408: the body averaged under UPLOAD_MIN_BYTES_PER_SECOND; 415: a body that is not multipart/form-data.
// 429 (over a quota, or every upload slot in use) is declared with its quota details (quotaRefusalResponse).
const UPLOAD_ERRORS = [400, 403, 408, 413, 415, 503];

export const anonymousUploadRoute = {
  method: 'post',
  path: '/api/v1/upload/anonymous',
  summary: 'Upload one file without an account (FREE limits, expires)',
  description:
    'One file streamed to storage under the FREE size limit and the per-IP anonymous quota (429 with Retry-After past it); ' +
    'it expires after the anonymous retention. The answer carries the one-time read-back `token`.',
  tags: ['upload'],
  // The edge reads a token if one is sent (a bad one is a 401); none is needed.
  auth: 'optional',
  body: { multipart: multipartFiles({ file: { description: 'The file (FREE size limit)', maxBytes: FREE.maxFileSizeBytes } }) },
  responses: { 201: { description: 'Stored and queued; keep `token` to read the status back', json: uploadedSchema }, 429: quotaRefusalResponse },
  errors: UPLOAD_ERRORS,
} satisfies RouteDoc;

export const userUploadRoute = {
  method: 'post',
  path: '/api/v1/upload',
  summary: 'Upload a file (or a batch on PREMIUM) within the tier limits',
  description:
    'Streams each file to storage and queues it for processing. FREE: one file within its size limit (a batch is a 403 with upgradeUrl); ' +
    'PREMIUM: a batch of files. A file past the limit is a 413 and none of the batch is kept.',
  tags: ['upload'],
  auth: 'required',
  body: {
    multipart: multipartFiles({
      file: { description: 'One file (the tier’s size limit)', maxBytes: PREMIUM.maxFileSizeBytes },
      files: { description: 'Several files (PREMIUM batch uploads)', maxBytes: PREMIUM.maxFileSizeBytes, maxFiles: PREMIUM.maxFilesPerRequest },
    }),
  },
  responses: { 201: { description: 'Stored and queued for processing', json: uploadedSchema }, 429: quotaRefusalResponse },
  errors: UPLOAD_ERRORS,
} satisfies RouteDoc;

export const anonymousStatusRoute = {
  method: 'get',
  path: '/api/v1/upload/anonymous/:id',
  summary: 'Status of an anonymous upload (token holders)',
  description: 'The status of an anonymous upload for the holder of its read-back token; a wrong token is a 404, like an unknown id.',
  tags: ['upload'],
  // The edge reads a token if one is sent (a bad one is a 401); none is needed.
  auth: 'optional',
  params: uploadIdParams,
  credentials: READ_BACK,
  responses: { 200: { description: 'Status; `downloadUrl` once ready', json: uploadStatusSchema } },
  errors: [400, 404, 410, 429, 503],
} satisfies RouteDoc;

export const uploadStatusRoute = {
  method: 'get',
  path: '/api/v1/upload/:id',
  summary: 'Status of an upload (its owner, or an anonymous token holder)',
  description: 'The status of an upload for its owner (or the holder of an anonymous read-back token); once ready it carries a presigned downloadUrl.',
  tags: ['upload'],
  auth: 'required',
  params: uploadIdParams,
  credentials: READ_BACK,
  responses: { 200: { description: 'Status; `downloadUrl` once ready', json: uploadStatusSchema } },
  errors: [400, 404, 410, 429, 503],
} satisfies RouteDoc;
