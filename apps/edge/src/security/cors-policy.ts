import type { RequestHandler } from 'express';
import cors from 'cors';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
// tus 1.0 (resumable uploads): its request headers, and what a browser client must read of its answers.
const TUS_REQUEST_HEADERS = ['Tus-Resumable', 'Upload-Length', 'Upload-Offset', 'Upload-Metadata', 'Upload-Defer-Length', 'Upload-Concat'];
const TUS_ANSWER_HEADERS = ['Location', 'Upload-Offset', 'Upload-Length', 'Upload-Expires', 'Tus-Resumable', 'Tus-Version', 'Tus-Extension', 'Tus-Max-Size'];
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'X-Request-Id', 'If-None-Match', ...TUS_REQUEST_HEADERS];
export const EXPOSED_HEADERS = ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'ETag', ...TUS_ANSWER_HEADERS].join(',');

/**
 * `*` (development only, enforced by config) answers any origin. Otherwise only listed
 * origins get CORS headers; any other origin gets none, so the browser blocks it.
 * Preflights (OPTIONS with Access-Control-Request-Method) go through the cors package; an actual request (every API call) gets the same
 * headers cors would set, from strings built once instead of cors's per-request option copy.
 */
export function corsPolicy(origins: string[]): RequestHandler {
  const allowAll = origins.includes('*');
  const allowed = new Set(origins);
  const preflight = cors({
    origin: allowAll ? '*' : (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: !allowAll,
    methods: METHODS,
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  return (req, res, next) => {
    // A preflight names the method it asks for; any other OPTIONS (tus discovery) goes to its route.
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      preflight(req, res, next);
      return;
    }
    if (allowAll) {
      res.setHeader('Access-Control-Allow-Origin', '*');
    } else {
      const origin = req.headers.origin;
      if (origin === undefined || !allowed.has(origin)) {
        next();
        return;
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.vary('Origin');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    next();
  };
}
