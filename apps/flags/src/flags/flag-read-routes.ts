import { Router, type Request } from 'express';
import { NotFoundError, ValidationError } from '@tp/errors';
import { contextFromRequest, type EvaluationContext, type FeatureFlagClient } from '@tp/feature-flags';
import { sendWithEtag } from './send-with-etag';

const ANONYMOUS_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** Signed-in callers are bucketed by user id; anonymous ones by a client-chosen stable id, if any. */
function evaluationContext(req: Request): EvaluationContext {
  if (req.identity) return contextFromRequest(req);
  const header = req.get('x-anonymous-id');
  const query = typeof req.query['anonymousId'] === 'string' ? req.query['anonymousId'] : undefined;
  const anonymousId = header ?? query;
  if (anonymousId === undefined) return {};
  if (!ANONYMOUS_ID.test(anonymousId)) {
    throw new ValidationError("anonymousId: must be 8-64 characters of letters, digits, '-' or '_'");
  }
  return { anonymousId };
}

/** GET /api/v1/flags and /api/v1/flags/:key, evaluated for the caller (anonymous allowed). */
export function flagReadRoutes(flags: FeatureFlagClient): Router {
  const router = Router();
  router.get('/api/v1/flags', async (req, res) => {
    const results = await flags.evaluateAll(evaluationContext(req));
    sendWithEtag(req, res, { flags: results });
  });
  router.get('/api/v1/flags/:key', async (req, res) => {
    const result = await flags.evaluate(req.params.key, evaluationContext(req));
    if (!result) throw new NotFoundError(`Unknown flag '${req.params.key}'`);
    sendWithEtag(req, res, result);
  });
  return router;
}
