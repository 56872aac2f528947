import { z } from 'zod';
import { multipartFiles, type HeaderDoc, type RouteDoc } from '@tp/openapi';
import { quotaRefusalResponse } from '../quota/quota-refusal-docs';

const storedFileSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  mime: z.string(),
  status: z.literal('queued'),
  token: z.string().optional().describe('Anonymous uploads only: the read-back token, returned once'),
});

const uploadedSchema = z.object({ files: z.array(storedFileSchema) });

const uploadStatusSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(['uploading', 'queued', 'processing', 'ready', 'failed']),
  size: z.number().int().nullable(),
  sha256: z.string().nullable(),
  mime: z.string().nullable(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().optional().describe('When the sweep deletes it (tier retention); afterwards the status is 410'),
  failureReason: z.string().optional(),
  downloadUrl: z.string().optional(),
  downloadUrlExpiresAt: z.iso.datetime().optional(),
});

export const uploadIdParams = z.object({ id: z.string().describe('Upload id (a UUID; anything else is a 404)') });

/** The read-back token travels in a header only (a query string lands in proxy logs): `?token=` is a 400. */
export const TOKEN_IN_QUERY = 'Send the read-back token in the X-Upload-Token header, not in the query string';
const TOKEN_HEADER: HeaderDoc[] = [
  { name: 'X-Upload-Token', description: 'Read-back token of an anonymous upload (header only: `?token=` is answered 400)' },
];

// 408: the body averaged under UPLOAD_MIN_BYTES_PER_SECOND. 429 (over a quota, or every upload
// slot in use) is declared with its quota details (quotaRefusalResponse).
const UPLOAD_ERRORS = [400, 403, 408, 413, 503];

export const anonymousUploadRoute = {
  method: 'post',
  path: '/api/v1/upload/anonymous',
  summary: 'Upload one file without an account (FREE limits, expires)',
  tags: ['upload'],
  // The edge reads a token if one is sent (a bad one is a 401); none is needed.
  auth: 'optional',
  body: { multipart: multipartFiles({ file: { description: 'The file (FREE size limit)' } }) },
  responses: { 201: { description: 'Stored and queued; keep `token` to read the status back', json: uploadedSchema }, 429: quotaRefusalResponse },
  errors: UPLOAD_ERRORS,
} satisfies RouteDoc;

export const userUploadRoute = {
  method: 'post',
  path: '/api/v1/upload',
  summary: 'Upload a file (or a batch on PREMIUM) within the tier limits',
  tags: ['upload'],
  auth: 'required',
  body: {
    multipart: multipartFiles({
      file: { description: 'One file' },
      files: { description: 'Several files (PREMIUM batch uploads)', multiple: true },
    }),
  },
  responses: { 201: { description: 'Stored and queued for processing', json: uploadedSchema }, 429: quotaRefusalResponse },
  errors: UPLOAD_ERRORS,
} satisfies RouteDoc;

export const anonymousStatusRoute = {
  method: 'get',
  path: '/api/v1/upload/anonymous/:id',
  summary: 'Status of an anonymous upload (token holders)',
  tags: ['upload'],
  // The edge reads a token if one is sent (a bad one is a 401); none is needed.
  auth: 'optional',
  params: uploadIdParams,
  headers: TOKEN_HEADER,
  responses: { 200: { description: 'Status; `downloadUrl` once ready', json: uploadStatusSchema } },
  errors: [400, 404, 410, 429, 503],
} satisfies RouteDoc;

export const uploadStatusRoute = {
  method: 'get',
  path: '/api/v1/upload/:id',
  summary: 'Status of an upload (its owner, or an anonymous token holder)',
  tags: ['upload'],
  auth: 'required',
  params: uploadIdParams,
  headers: TOKEN_HEADER,
  responses: { 200: { description: 'Status; `downloadUrl` once ready', json: uploadStatusSchema } },
  errors: [400, 404, 410, 429, 503],
} satisfies RouteDoc;
