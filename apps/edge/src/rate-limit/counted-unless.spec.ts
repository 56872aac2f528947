import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { errorMiddleware } from '@tp/errors';
import { createLogger } from '@tp/logging';
import { loadTestConfig } from '@tp/testing';
import { isResumablePatch } from '../routing/service-routes';
import { countedUnless } from './counted-unless';
import { createRateLimiters } from './create-rate-limiter';

const logger = createLogger({ service: 'edge-test', level: 'silent' });
const UPLOAD_ID = '0b7f5c1e-4f0a-4c1b-9a59-1d2f3e4a5b6c';

/**
 * An app behind the edge's limiter pair (2 requests per minute, real Redis, exact mode) whose
 * resumable PATCHes spend only when refused; the handler answers 204 for UPLOAD_ID, else 404.
 */
async function startLimited(signedIn: boolean) {
  const redis = new Redis(loadTestConfig().TEST_REDIS_URL);
  const prefix = `rl:test:counted:${randomBytes(6).toString('hex')}:`;
  const limiters = createRateLimiters({ redis, logger, max: 2, windowMs: 60_000, prefix, syncMs: 0, ipv6Prefix: 56 });
  const app = express();
  app.use((req, _res, next) => {
    if (signedIn) req.identity = { userId: 'u1', email: null, username: null, roles: [], tier: 'PREMIUM' };
    next();
  });
  app.use('/api/v1/upload/resumable', countedUnless(isResumablePatch, limiters), (req, res) => {
    res.status(req.method !== 'PATCH' || req.path === `/${UPLOAD_ID}` ? 204 : 404).end();
  });
  app.use(errorMiddleware(logger));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/upload/resumable`;
  return {
    url,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      redis.disconnect();
    },
  };
}

const status = async (url: string, method: string) => (await fetch(url, { method })).status;

describe('countedUnless(isResumablePatch)', () => {
  it('lets a signed-in user PATCH an accepted upload 40 times under a limit of 2, while creation still counts', async () => {
    const limited = await startLimited(true);
    try {
      for (let chunk = 0; chunk < 40; chunk += 1) expect(await status(`${limited.url}/${UPLOAD_ID}`, 'PATCH')).toBe(204);
      const creations = [];
      for (let n = 0; n < 3; n += 1) creations.push(await status(limited.url, 'POST'));
      expect(creations).toEqual([204, 204, 429]);
      // HEAD (resuming) is counted like any call.
      expect(await status(`${limited.url}/${UPLOAD_ID}`, 'HEAD')).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('spends a request on each refused PATCH, so a flood of PATCHes to unknown ids runs out', async () => {
    const limited = await startLimited(true);
    try {
      const statuses = [];
      for (let n = 0; n < 4; n += 1) statuses.push(await status(`${limited.url}/not-${n}`, 'PATCH'));
      expect(statuses).toEqual([404, 404, 429, 429]);
      // The spent bucket refuses creation too: one budget per client.
      expect(await status(limited.url, 'POST')).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('counts PATCHes without an identity (the upload service answers them 401)', async () => {
    const limited = await startLimited(false);
    try {
      const statuses = [];
      for (let n = 0; n < 3; n += 1) statuses.push(await status(`${limited.url}/${UPLOAD_ID}`, 'PATCH'));
      expect(statuses).toEqual([204, 204, 429]);
    } finally {
      await limited.close();
    }
  });
});
