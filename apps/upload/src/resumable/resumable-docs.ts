import { z } from 'zod';
import type { HeaderDoc, ResponseDoc, RouteDoc } from '@tp/openapi';
import { limitsFor } from '@tp/tiers';
import { quotaRefusalResponse } from '../quota/quota-refusal-docs';
import { RESUMABLE_PATH } from './resumable-store';

const PREMIUM = limitsFor('PREMIUM');
const text = (maxLength: number) => ({ type: 'string', maxLength });
const TUS_RESUMABLE: HeaderDoc = { name: 'Tus-Resumable', required: true, description: 'The tus version: `1.0.0` (412 otherwise)', schema: text(16) };
const answerHeader = (description: string, maxLength = 64) => ({ description, schema: text(maxLength) });
const TUS_ANSWER = { 'Tus-Resumable': answerHeader('`1.0.0`', 16) };
const OFFSET = { 'Upload-Offset': answerHeader('Bytes stored so far', 20) };
const EXPIRES = { 'Upload-Expires': answerHeader('When the unfinished upload expires (RFC 7231 date; UPLOAD_RESUMABLE_TTL_HOURS after creation)') };

export const resumableIdParams = z.object({ id: z.string().max(64).describe('The upload id (a UUID): also GET /api/v1/upload/{id}') });

const DISCOVERY: ResponseDoc = {
  description: 'What the server supports (no body)',
  headers: {
    'Tus-Version': answerHeader('`1.0.0`', 16),
    'Tus-Extension': answerHeader('`creation,creation-with-upload,termination,expiration`', 128),
    'Tus-Max-Size': answerHeader('Largest Upload-Length of any tier (each account’s own limit is applied at creation)', 20),
  },
};

export const resumableOptionsRoute = {
  method: 'options',
  path: RESUMABLE_PATH,
  summary: 'tus discovery: version, extensions and the largest size',
  description: 'tus 1.0 OPTIONS: no token needed, no body.',
  tags: ['upload'],
  auth: 'none',
  responses: { 204: DISCOVERY },
} satisfies RouteDoc;

export const resumableUploadOptionsRoute = { ...resumableOptionsRoute, path: `${RESUMABLE_PATH}/:id`, params: resumableIdParams } satisfies RouteDoc;

export const resumableCreateRoute = {
  method: 'post',
  path: RESUMABLE_PATH,
  summary: 'Create a resumable upload (tus 1.0 creation)',
  description:
    'Decides the tier rules once, before any byte: `Upload-Length` is required (no deferred length), a length past the account’s file ' +
    'limit is a 413, the account storage quota reserves the declared length (429 past it) until the upload finishes, expires or is ' +
    'deleted. `Location` is the upload’s URL; its last segment is the upload id. A body (creation-with-upload) is stored as the first bytes; ' +
    'one slower than the minimum upload rate (UPLOAD_MIN_BYTES_PER_SECOND) is a 408 and the upload is not created.',
  tags: ['upload'],
  auth: 'required',
  headers: [
    TUS_RESUMABLE,
    { name: 'Upload-Length', required: true, description: 'Size of the whole file in bytes (within the tier’s file limit)', schema: text(16) },
    {
      name: 'Upload-Metadata',
      description: '`key base64value` pairs: `filename` (the display name) and, PREMIUM, `batch` (a batch id, counted like a multipart batch)',
      schema: text(2048),
    },
  ],
  responses: {
    201: {
      description: 'Created',
      headers: { ...TUS_ANSWER, ...EXPIRES, Location: answerHeader('`/api/v1/upload/resumable/{id}`', 128) },
    },
    429: quotaRefusalResponse,
  },
  errors: [403, 408, 412, 413, 503],
} satisfies RouteDoc;

export const resumableHeadRoute = {
  method: 'head',
  path: `${RESUMABLE_PATH}/:id`,
  summary: 'Offset of a resumable upload (resume from here)',
  description: 'The owner’s upload only (anyone else: 404). An expired or deleted upload is a 410.',
  tags: ['upload'],
  auth: 'required',
  params: resumableIdParams,
  headers: [TUS_RESUMABLE],
  responses: {
    200: { description: 'No body', headers: { ...TUS_ANSWER, ...OFFSET, ...EXPIRES, 'Upload-Length': answerHeader('The declared length', 20) } },
  },
  errors: [404, 410, 412, 503],
} satisfies RouteDoc;

export const resumablePatchRoute = {
  method: 'patch',
  path: `${RESUMABLE_PATH}/:id`,
  summary: 'Append bytes to a resumable upload at Upload-Offset',
  description:
    'The owner’s upload only. Counts as one upload in flight (429 `concurrent` past the tier’s), not toward the edge’s requests per ' +
    'minute. A body past the declared length is a 413, a wrong offset a 409. A body slower than the minimum upload rate ' +
    '(UPLOAD_MIN_BYTES_PER_SECOND, as multipart) is cut with 408: the bytes received so far are kept, HEAD for the offset and go on. ' +
    'The last byte turns the upload into a `queued` upload.',
  tags: ['upload'],
  auth: 'required',
  params: resumableIdParams,
  headers: [TUS_RESUMABLE, { name: 'Upload-Offset', required: true, description: 'Where these bytes go (HEAD’s Upload-Offset)', schema: text(20) }],
  body: {
    mediaType: 'application/offset+octet-stream',
    schema: z.string().max(PREMIUM.maxFileSizeBytes),
    description: 'The next bytes of the file',
  },
  responses: { 204: { description: 'Stored', headers: { ...TUS_ANSWER, ...OFFSET, ...EXPIRES } }, 429: quotaRefusalResponse },
  errors: [403, 404, 408, 409, 410, 412, 413, 503],
} satisfies RouteDoc;

export const resumableDeleteRoute = {
  method: 'delete',
  path: `${RESUMABLE_PATH}/:id`,
  summary: 'Delete an unfinished resumable upload (tus termination)',
  description: 'Aborts its S3 multipart upload, removes every part and releases its storage reservation; a finished upload is a 400.',
  tags: ['upload'],
  auth: 'required',
  params: resumableIdParams,
  headers: [TUS_RESUMABLE],
  responses: { 204: { description: 'Deleted', headers: TUS_ANSWER } },
  errors: [404, 410, 412, 503],
} satisfies RouteDoc;
