import { Router, type Request, type RequestHandler } from 'express';
import multer from 'multer';
import { authenticate, type TokenVerifier } from '@tp/auth';
import { ValidationError } from '@tp/errors';
import { validate, type ApiRegistry } from '@tp/openapi';
import { pipeScrubbed } from './part-header-scrubber';
import type { StoredFile } from './s3-storage-engine';
import { setUploadContext, uploadContextOf } from './upload-context';
import { anonymousStatusRoute, anonymousUploadRoute, uploadIdParams, uploadStatusRoute, userUploadRoute } from './upload-docs';
import { batchNotAllowed, uploadFailure } from './upload-errors';
import type { UploadService } from './upload-service';

const FILE_FIELDS = new Set(['file', 'files']);

function intake(storage: multer.StorageEngine): RequestHandler {
  const handler = multer({
    storage,
    // Browsers and curl send UTF-8 filenames without a charset parameter; busboy's default is latin1.
    defParamCharset: 'utf8',
    // Browsers send a filename's control characters (other than CR/LF) raw; busboy would refuse them.
    streamHandler: pipeScrubbed,
    limits: (req) => {
      const context = uploadContextOf(req);
      // One file more than allowed reaches fileFilter, which answers with the right error.
      return { files: context.maxFiles + 1, fields: 20, fieldSize: 64 * 1024, parts: context.maxFiles + 21 };
    },
    fileFilter: (req, file, accept) => {
      const context = uploadContextOf(req);
      if (!FILE_FIELDS.has(file.fieldname)) {
        accept(new ValidationError(`Unexpected file field \`${file.fieldname}\`: use \`file\` (or \`files\` for a batch)`));
        return;
      }
      context.filesSeen += 1;
      const batch = file.fieldname === 'files' || context.filesSeen > 1;
      const refused = (batch && (context.tier !== 'PREMIUM' || !context.batchEnabled)) || context.filesSeen > context.maxFiles;
      accept(refused ? batchNotAllowed(context) : null, !refused);
    },
  }).any();
  // busboy's own failures (malformed parts, client gone) reach us untyped: map them here.
  return (req, res, next) => handler(req, res, (err?: unknown) => next(err ? uploadFailure(err, uploadContextOf(req)) : undefined));
}

function prepare(service: UploadService, mode: 'user' | 'anonymous'): RequestHandler {
  return async (req, res, next) => {
    const context = await service.contextFor(mode === 'user' ? req.identity : undefined, req.ip ?? 'unknown');
    try {
      service.checkDeclaredLength(req.headers['content-length'], context);
    } catch (err) {
      // Answered at once and the unread body discarded, never stored. Node would close the
      // socket after the answer when the client sent `Connection: close` (the edge forwards
      // it), and the edge, still writing the body, would see EPIPE and answer 502 instead.
      res.shouldKeepAlive = true;
      req.resume();
      throw err;
    }
    setUploadContext(req, context);
    next();
  };
}

function finish(service: UploadService): RequestHandler {
  return async (req: Request, res) => {
    const files = ((req as Request & { files?: StoredFile[] }).files ?? []) as StoredFile[];
    await service.queueAll(files, uploadContextOf(req));
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

/**
 * POST /api/v1/upload (signed in, tier limits) and POST /api/v1/upload/anonymous (FREE limits,
 * a read-back token, expiry). Each file streams straight to S3 through the storage engine.
 */
export function uploadRoutes(service: UploadService, verifier: TokenVerifier, storage: multer.StorageEngine, api: ApiRegistry): Router {
  const router = Router();
  const body = intake(storage);
  api.mount(router, anonymousUploadRoute, prepare(service, 'anonymous'), body, finish(service));
  api.mount(router, userUploadRoute, authenticate(verifier, 'required'), prepare(service, 'user'), body, finish(service));
  return router;
}

const tokenFrom = (req: Request): string | undefined => {
  const header = req.headers['x-upload-token'];
  if (typeof header === 'string' && header) return header;
  return typeof req.query['token'] === 'string' ? req.query['token'] : undefined;
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
