import cors from 'cors';

/**
 * `*` (development only, enforced by config) answers any origin. Otherwise only listed
 * origins get CORS headers; any other origin gets none, so the browser blocks it.
 */
export function corsPolicy(origins: string[]) {
  const allowAll = origins.includes('*');
  const allowed = new Set(origins);
  return cors({
    origin: allowAll ? '*' : (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: !allowAll,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'If-None-Match'],
    exposedHeaders: ['X-Request-Id', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'ETag'],
    maxAge: 600,
  });
}
