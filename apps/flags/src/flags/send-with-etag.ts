import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/**
 * JSON with a strong ETag, 304 on a matching If-None-Match. Done here rather than by
 * Express's built-in ETag: Express treats a request's `Cache-Control: no-cache` as "never
 * fresh", and fetch() adds exactly that header to every manual conditional request.
 */
export function sendWithEtag(req: Request, res: Response, body: unknown): void {
  const json = JSON.stringify(body);
  const etag = `"${createHash('sha1').update(json).digest('base64url')}"`;
  res.set({ ETag: etag, 'Cache-Control': 'private, no-cache' });
  // Answers depend on who asks: never shared between callers.
  res.vary('Authorization').vary('X-Anonymous-Id');
  if (matches(req.get('if-none-match'), etag)) {
    res.status(304).end();
    return;
  }
  res.type('application/json').send(json);
}
