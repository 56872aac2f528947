import { Router, type Request } from 'express';
import { NotFoundError } from '@tp/errors';
import { contextFromRequest, type EvaluationContext, type FeatureFlagClient, type TierOf } from '@tp/feature-flags';
import { validate, type ApiRegistry, type HeaderDoc, type RouteDoc } from '@tp/openapi';
import { anonymousIdQuery, flagEvaluationSchema, flagKeyParams, flagListSchema } from './flag-schemas';
import { sendWithEtag } from './send-with-etag';

const READ_HEADERS: HeaderDoc[] = [
  {
    name: 'X-Anonymous-Id',
    description: 'Stable id of an anonymous visitor (8-64 of A-Z a-z 0-9 - _)',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$', maxLength: 64 },
  },
  { name: 'If-None-Match', description: 'ETag of a previous answer: 304 when unchanged', schema: { type: 'string', maxLength: 1024 } },
];
const ETAG_HEADERS = { ETag: { description: 'Strong ETag of the body', schema: { type: 'string', pattern: '^"[A-Za-z0-9_-]+"$', maxLength: 64 } } };
const NOT_MODIFIED = { description: 'Not modified: the If-None-Match ETag is still current (no body)', headers: ETAG_HEADERS };

/** Signed-in callers are bucketed by user id; anonymous ones by a client-chosen stable id, if any. */
async function evaluationContext(req: Request, tierOf: TierOf): Promise<EvaluationContext> {
  // The tier from the shared entitlement rule (role OR subscription), never the token alone.
  if (req.identity) return contextFromRequest(req, tierOf);
  const header = req.get('x-anonymous-id');
  const query = typeof req.query['anonymousId'] === 'string' ? req.query['anonymousId'] : undefined;
  const anonymousId = header ?? query;
  if (anonymousId === undefined) return {};
  // The header and the query parameter follow the one documented rule.
  return { anonymousId: validate(anonymousIdQuery, { anonymousId }, 'query').anonymousId };
}

const listFlags = {
  method: 'get',
  path: '/api/v1/flags',
  summary: 'Every flag evaluated for the caller',
  description:
    'Evaluates every flag for the caller: a signed-in user by id and tier, an anonymous visitor by X-Anonymous-Id (or `anonymousId`), ' +
    'else without an id (percentage rollouts off). The answer carries a strong ETag; If-None-Match with it answers 304.',
  tags: ['flags'],
  auth: 'optional',
  query: anonymousIdQuery,
  headers: READ_HEADERS,
  responses: { 200: { description: 'Evaluated flags', json: flagListSchema, headers: ETAG_HEADERS }, 304: NOT_MODIFIED },
  errors: [400, 429],
} satisfies RouteDoc;

const readFlag = {
  method: 'get',
  path: '/api/v1/flags/:key',
  summary: 'One flag evaluated for the caller',
  description: 'The same evaluation as the list, for one key; an unknown key is a 404. ETag and 304 as for the list.',
  tags: ['flags'],
  auth: 'optional',
  params: flagKeyParams,
  query: anonymousIdQuery,
  headers: READ_HEADERS,
  responses: { 200: { description: 'The evaluation', json: flagEvaluationSchema, headers: ETAG_HEADERS }, 304: NOT_MODIFIED },
  errors: [400, 404, 429],
} satisfies RouteDoc;

/** GET /api/v1/flags and /api/v1/flags/:key, evaluated for the caller (anonymous allowed). */
export function flagReadRoutes(flags: FeatureFlagClient, tierOf: TierOf, api: ApiRegistry): Router {
  const router = Router();
  api.mount(router, listFlags, async (req, res) => {
    const results = await flags.evaluateAll(await evaluationContext(req, tierOf));
    sendWithEtag(req, res, { flags: results });
  });
  api.mount(router, readFlag, async (req, res) => {
    const { key } = validate(readFlag.params, req.params, 'params');
    const result = await flags.evaluate(key, await evaluationContext(req, tierOf));
    if (!result) throw new NotFoundError(`Unknown flag '${key}'`);
    sendWithEtag(req, res, result);
  });
  return router;
}
