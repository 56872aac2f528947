import type { AddressInfo } from 'node:net';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import { isResumablePatch } from '../routing/service-routes';
import { countedUnless } from './counted-unless';

/** An app behind a limiter of 2 requests per minute whose resumable PATCHes of a signed-in user pass uncounted. */
async function startLimited(signedIn: boolean) {
  const app = express();
  app.use((req, _res, next) => {
    if (signedIn) req.identity = { userId: 'u1', email: null, username: null, roles: [], tier: 'PREMIUM' };
    next();
  });
  const limiter = rateLimit({ windowMs: 60_000, limit: 2, standardHeaders: 'draft-8', legacyHeaders: false });
  app.use('/api/v1/upload/resumable', countedUnless(isResumablePatch, limiter), (_req, res) => {
    res.status(204).end();
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/upload/resumable`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('countedUnless(isResumablePatch)', () => {
  it('lets a signed-in user PATCH an upload 40 times under a limit of 2, while creation still counts', async () => {
    const limited = await startLimited(true);
    try {
      for (let chunk = 0; chunk < 40; chunk += 1) {
        const reply = await fetch(`${limited.url}/0b7f5c1e-4f0a-4c1b-9a59-1d2f3e4a5b6c`, { method: 'PATCH' });
        expect(reply.status).toBe(204);
        expect(reply.headers.get('ratelimit')).toBeNull();
      }
      const creations = [];
      for (let n = 0; n < 3; n += 1) creations.push((await fetch(limited.url, { method: 'POST' })).status);
      expect(creations).toEqual([204, 204, 429]);
      // HEAD (resuming) is counted like any call.
      expect((await fetch(`${limited.url}/0b7f5c1e-4f0a-4c1b-9a59-1d2f3e4a5b6c`, { method: 'HEAD' })).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('counts PATCHes without an identity (the upload service answers them 401)', async () => {
    const limited = await startLimited(false);
    try {
      const statuses = [];
      for (let n = 0; n < 3; n += 1) statuses.push((await fetch(`${limited.url}/some-id`, { method: 'PATCH' })).status);
      expect(statuses).toEqual([204, 204, 429]);
    } finally {
      await limited.close();
    }
  });
});
