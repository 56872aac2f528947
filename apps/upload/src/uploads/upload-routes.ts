import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { authenticate, type TokenVerifier } from '@tp/auth';
import { ValidationError } from '@tp/errors';
import { validate, type ApiRegistry } from '@tp/openapi';
import type { StoredFile } from './s3-storage-engine';
import type { AnonymousQuota } from '../quota/anonymous-quota';
import type { AccountStorageQuota } from '../quota/account-storage-quota';
import { reservableBytes, reserveAccountStorage } from '../quota/account-storage-reservations';
import { holdUploadSlot } from '../quota/upload-slot-guard';
import type { UploadSlots } from '../quota/upload-slots';
import type { PaceSettings } from './upload-pace';
import { findUploadContext, setUploadContext, uploadContextOf, type UploadContext } from './upload-context';
import { intake, requireMultipartForm, type FileSink } from './upload-intake';
import { anonymousStatusRoute, anonymousUploadRoute, TOKEN_IN_QUERY, uploadIdParams, uploadStatusRoute, userUploadRoute } from './upload-docs';
import type { CountUpload } from './upload-metrics';
import { outcomeOf } from './upload-outcome';
import type { UploadService } from './upload-service';

export interface UploadRouteDeps {
  service: UploadService;
  quota: AnonymousQuota;
  /** Signed-in uploads: storage per account, by tier. */
  accountQuota: AccountStorageQuota;
  /** Uploads in flight per account or anonymous client (Redis). */
  slots: UploadSlots;
  pace: PaceSettings;
  verifier: TokenVerifier;
  storage: FileSink;
  count: CountUpload;
}

/** Anonymous uploads: holds the upload's bytes against the quotas before a byte is read. */
async function reserveQuota(quota: AnonymousQuota, req: Request, res: Response, context: UploadContext): Promise<void> {
  if (!context.ipHash || !context.ipNetworkHash || !context.expiresAt) return;
  const bytes = reservableBytes(req, context.maxFileSizeBytes);
  const reservation = await quota.reserve({ ipHash: context.ipHash, ipNetworkHash: context.ipNetworkHash, expiresAt: context.expiresAt, bytes });
  context.reservation = reservation;
  // Whatever ends the request, a reservation no stored file filled stops counting.
  res.once('close', () => {
    quota.release(reservation).catch((err: unknown) => req.log.warn({ err }, 'Could not release an upload reservation'));
  });
}

function prepare(deps: UploadRouteDeps, mode: 'user' | 'anonymous'): RequestHandler {
  return async (req, res, next) => {
    const context = await deps.service.contextFor(mode === 'user' ? req.identity : undefined, req.ip ?? 'unknown');
    setUploadContext(req, context);
    // Refused before a byte is read: the error chain closes the connection after the answer.
    requireMultipartForm(req);
    deps.service.checkDeclaredLength(req.headers['content-length'], context);
    await holdUploadSlot(deps.slots, req, res, context);
    await reserveQuota(deps.quota, req, res, context);
    await reserveAccountStorage(deps.accountQuota, req, res, context);
    next();
  };
}

function finish(service: UploadService, count: CountUpload): RequestHandler {
  return async (req: Request, res) => {
    const context = uploadContextOf(req);
    const files: StoredFile[] = context.stored ?? [];
    await service.queueAll(files, context, String(req.id));
    count.stored(context.tier, files);
    res.status(201).json({
      files: files.map((file) => ({
        id: file.id,
        name: file.name,
        size: file.size,
        sha256: file.sha256,
        mime: file.mime,
        status: 'queued',
        ...(file.token ? { token: file.token } : {}),
      })),
    });
  };
}

/** A failed upload, counted by the outcome decided where it was refused; the error goes on to the error chain. */
function countFailure(count: CountUpload): ErrorRequestHandler {
  return (err, req, _res, next) => {
    // No context: refused before its tier was known (token, registration), not an upload outcome.
    const context = findUploadContext(req);
    if (context) count.failed(context.tier, outcomeOf(err));
    next(err);
  };
}

/**
 * POST /api/v1/upload (signed in, tier limits) and POST /api/v1/upload/anonymous (FREE limits,
 * a read-back token, expiry). Each file streams straight to S3 through the storage engine.
 */
export function uploadRoutes(deps: UploadRouteDeps, api: ApiRegistry): Router {
  const { service, verifier, storage, count } = deps;
  const router = Router();
  const body = intake(storage, deps.pace);
  api.mount(router, anonymousUploadRoute, prepare(deps, 'anonymous'), body, finish(service, count));
  api.mount(router, userUploadRoute, authenticate(verifier, 'required'), prepare(deps, 'user'), body, finish(service, count));
  router.use(countFailure(count));
  return router;
}

/** The read-back token, from X-Upload-Token only: a URL's query ends up in proxy logs and browser history. */
const tokenFrom = (req: Request): string | undefined => {
  if (req.query['token'] !== undefined) throw new ValidationError(TOKEN_IN_QUERY);
  const header = req.headers['x-upload-token'];
  return typeof header === 'string' && header ? header : undefined;
};

/**
 * GET /api/v1/upload/:id for the owner (bearer token) or an anonymous token holder;
 * GET /api/v1/upload/anonymous/:id for token holders only (no bearer token needed at the edge).
 */
export function uploadStatusRoutes(service: UploadService, verifier: TokenVerifier, api: ApiRegistry): Router {
  const router = Router();
  api.mount(router, anonymousStatusRoute, async (req, res) => {
    const { id } = validate(uploadIdParams, req.params, 'params');
    res.set('cache-control', 'no-store').json(await service.status(id, undefined, tokenFrom(req)));
  });
  api.mount(router, uploadStatusRoute, authenticate(verifier, 'optional'), async (req, res) => {
    const { id } = validate(uploadIdParams, req.params, 'params');
    res.set('cache-control', 'no-store').json(await service.status(id, req.identity, tokenFrom(req)));
  });
  return router;
}
