import type { IncomingMessage } from 'node:http';
import { Router, type Request, type RequestHandler } from 'express';
import { Server } from '@tus/server';
import type { S3Store } from '@tus/s3-store';
import type { Redis } from 'ioredis';
import { NodeRequest } from 'srvx/node';
import { authenticate, requireIdentity, type TokenVerifier } from '@tp/auth';
import type { ApiRegistry } from '@tp/openapi';
import { limitsFor } from '@tp/tiers';
import { holdUploadSlot } from '../quota/upload-slot-guard';
import type { UploadSlots } from '../quota/upload-slots';
import { setUploadContext } from '../uploads/upload-context';
import type { CountUpload } from '../uploads/upload-metrics';
import type { PaceSettings } from '../uploads/upload-pace';
import { RedisLocker } from './redis-locker';
import { ResumableCount } from './resumable-count';
import type { ResumableLifecycle } from './resumable-lifecycle';
import {
  resumableCreateRoute,
  resumableDeleteRoute,
  resumableHeadRoute,
  resumableOptionsRoute,
  resumablePatchRoute,
  resumableUploadOptionsRoute,
} from './resumable-docs';
import { watchResumablePace } from './resumable-pace';
import type { ResumableService } from './resumable-service';
import { RESUMABLE_PATH, type ResumableSettings } from './resumable-store';
import { answer, expressRequestOf, keepTypedError } from './tus-answer';

export interface ResumableRouteDeps {
  service: ResumableService;
  lifecycle: ResumableLifecycle;
  store: S3Store;
  slots: UploadSlots;
  redis: Redis;
  verifier: TokenVerifier;
  settings: ResumableSettings;
  /** The multipart uploads' minimum rate, applied to resumable bodies too. */
  pace: PaceSettings;
  count: CountUpload;
}

/** What the handlers share: the tus server's locker (a too slow body lets go of it) and the upload counter. */
interface Shared {
  locker: RedisLocker;
  count: ResumableCount;
}

/** The id creation reserved, for tus's namingFunction (the upload id is the uploads row's). */
const createdIds = new WeakMap<IncomingMessage, string>();

const hasBody = (req: Request) => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

function tusServer(deps: ResumableRouteDeps, shared: Shared): Server {
  return new Server({
    path: RESUMABLE_PATH,
    datastore: deps.store,
    // Location as the client sees it through the edge: /api/v1/upload/resumable/<id>.
    relativeLocation: true,
    // Every tier's own limit is decided at creation (413 before this); this is what OPTIONS announces.
    maxSize: limitsFor('PREMIUM').maxFileSizeBytes,
    locker: shared.locker,
    // A PATCH interrupted by another one's lock request lets go at once (its client is gone).
    lockDrainTimeout: 1000,
    disableTerminationForFinishedUploads: true,
    // No CORS from tus: the edge answers CORS for every route.
    allowedOrigins: () => false,
    namingFunction: (req) => {
      const id = createdIds.get(expressRequestOf(req));
      if (!id) throw new Error('Resumable upload created without a reservation');
      return id;
    },
    onUploadFinish: async (req, upload) => {
      const request = expressRequestOf(req);
      // The last byte decides the upload's outcome: queued (stored), or the finish's error.
      shared.count.decides(request);
      if (await deps.lifecycle.finish(upload.id, String(request.id))) shared.count.stored(request, upload.size ?? upload.offset);
      return {};
    },
    onResponseError: keepTypedError,
  });
}

/** Hands the request to tus and its answer back to Express (errors to the one error middleware). */
function handOver(tus: Server): RequestHandler {
  return async (req, res, next) => {
    const request = new NodeRequest({ req, res });
    const response = await tus.handleWeb(request);
    await answer(request, response, res, next);
  };
}

/** Creation: the tier rules, decided once (resumable-service), before tus stores anything. */
function create(deps: ResumableRouteDeps, shared: Shared): RequestHandler {
  return async (req, res, next) => {
    const context = await deps.service.contextFor(requireIdentity(req), req.ip ?? 'unknown');
    // The tier is known: a refusal from here on is this upload's outcome.
    setUploadContext(req, context);
    shared.count.decides(req);
    const created = await deps.service.create(context, req.headers);
    createdIds.set(req, created.id);
    // Not created after all (tus refused, the client left before its Location): the reservation
    // stops counting and whatever tus had put in S3 goes.
    res.once('close', () => {
      if (res.writableFinished && res.statusCode === 201) return;
      void Promise.all([deps.service.abandon(created.id), deps.lifecycle.removeObjects(created.id)]).catch((err: unknown) =>
        req.log.warn({ err, id: created.id }, 'Could not release an abandoned resumable upload'),
      );
    });
    if (hasBody(req)) {
      await holdUploadSlot(deps.slots, req, res, created.context);
      watchResumablePace(req, res, { pace: deps.pace, locker: shared.locker, id: created.id });
    }
    next();
  };
}

/** HEAD, PATCH, DELETE: the caller's own upload only (404 for anyone else, 410 once expired). */
function owner(deps: ResumableRouteDeps, shared?: Shared): RequestHandler {
  return async (req, res, next) => {
    const context = await deps.service.contextFor(requireIdentity(req), req.ip ?? 'unknown');
    const id = String(req.params['id']);
    await deps.service.owned(id, context);
    if (shared) {
      // A PATCH: the one storing the last byte counts the upload, by its tier.
      setUploadContext(req, context);
      // Each PATCH in flight is one upload slot; an abandoned upload holds none.
      await holdUploadSlot(deps.slots, req, res, context);
      watchResumablePace(req, res, { pace: deps.pace, locker: shared.locker, id });
    }
    next();
  };
}

/** After tus removed the upload (204): its reservation is released and the trailing part removed. */
function released(deps: ResumableRouteDeps): RequestHandler {
  return (req, res, next) => {
    const id = String(req.params['id']);
    res.once('finish', () => {
      if (res.statusCode !== 204) return;
      void Promise.all([deps.service.abandon(id), deps.lifecycle.removeObjects(id)]).catch((err: unknown) =>
        req.log.warn({ err, id }, 'Could not release a deleted resumable upload'),
      );
    });
    next();
  };
}

/**
 * tus 1.0 at /api/v1/upload/resumable (@tus/server on @tus/s3-store): creation, HEAD, PATCH,
 * DELETE for signed-in owners; OPTIONS for anyone. Locks and the metadata cache are in Redis, so
 * any replica can take any request of an upload.
 */
export function resumableRoutes(deps: ResumableRouteDeps, api: ApiRegistry): Router {
  const router = Router();
  const shared: Shared = {
    locker: new RedisLocker(deps.redis, { prefix: deps.settings.prefix, ttlMs: deps.settings.lockTtlMs }),
    count: new ResumableCount(deps.count),
  };
  const tus = tusServer(deps, shared);
  const handle = handOver(tus);
  const signedIn = authenticate(deps.verifier, 'required');
  api.mount(router, resumableOptionsRoute, handle);
  api.mount(router, resumableUploadOptionsRoute, handle);
  api.mount(router, resumableCreateRoute, signedIn, create(deps, shared), handle);
  api.mount(router, resumableHeadRoute, signedIn, owner(deps), handle);
  api.mount(router, resumablePatchRoute, signedIn, owner(deps, shared), handle);
  api.mount(router, resumableDeleteRoute, signedIn, owner(deps), released(deps), handle);
  router.use(shared.count.failures());
  return router;
}
