import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsFolder } from '@tp/db';
import { createLogger } from '@tp/logging';
import { eventually } from '@tp/testing';
import { sweepExpiredUploads } from '../src/worker/sweep-expired';
import { postMultipart } from './support/multipart-client';
import { startUploadStack, type UploadStack } from './support/upload-stack';

const FREE_RETENTION_HOURS = 0.001; // 3.6 s: configured small so the test waits seconds, not a day
const DAY_MS = 24 * 3_600_000;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('retention by tier, the expiry sweep, 410 and opaque object keys (through the edge)', () => {
  let stack: UploadStack;

  beforeAll(async () => {
    stack = await startUploadStack({ env: { TIER_FREE_RETENTION_HOURS: String(FREE_RETENTION_HOURS) } });
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const upload = async (path: string, token?: string) => {
    const reply = await postMultipart(`${stack.edgeUrl}${path}`, [{ filename: 'kept.png', size: 2000, head: PNG }], { token });
    expect(reply.status).toBe(201);
    return (reply.body['files'] as Array<{ id: string; token?: string }>)[0]!;
  };
  const status = (id: string, init: { token?: string; path?: string } = {}) =>
    fetch(`${stack.edgeUrl}${init.path ?? '/api/v1/upload/'}${id}`, init.token ? { headers: { authorization: `Bearer ${init.token}` } } : {});
  const sweep = () => sweepExpiredUploads({ uploads: stack.uploads, storage: stack.storage, clock: () => new Date(), logger: createLogger({ service: 'test', level: 'silent' }) });
  const userId = async (email: string) => (await stack.db.database.pool.query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [email])).rows[0]!.id;

  it('expires a FREE upload after its retention: 410 `gone` JSON, then the sweep deletes object and row and it stays 410', async () => {
    const file = await upload('/api/v1/upload', stack.tokens.free);
    const row = (await stack.uploads.findById(file.id))!;
    expect(row.expiresAt!.getTime() - row.createdAt.getTime()).toBeGreaterThan(FREE_RETENTION_HOURS * 3_600_000 - 1000);
    expect(row.expiresAt!.getTime() - row.createdAt.getTime()).toBeLessThan(FREE_RETENTION_HOURS * 3_600_000 + 1000);
    expect(await stack.storage.sizeOf(row.objectKey)).toBe(2000);

    await eventually(async () => (await status(file.id, { token: stack.tokens.free })).status === 410, 15_000, 200);
    const gone = await status(file.id, { token: stack.tokens.free });
    expect(await gone.json()).toEqual({ error: 'gone', message: expect.any(String), requestId: expect.any(String) });

    expect(await sweep()).toBeGreaterThanOrEqual(1);
    expect(await stack.storage.sizeOf(row.objectKey)).toBeUndefined();
    expect(await stack.listKeys()).not.toContain(row.objectKey);
    expect(await stack.uploads.findById(file.id)).toBeUndefined();
    const afterSweep = await status(file.id, { token: stack.tokens.free });
    expect(afterSweep.status).toBe(410);
    expect(await afterSweep.json()).toMatchObject({ error: 'gone', requestId: expect.any(String) });
    // Someone else learns nothing: a plain 404, as for an id that never existed.
    expect((await status(file.id, { token: stack.tokens.premium })).status).toBe(404);
    expect((await status(randomUUID(), { token: stack.tokens.free })).status).toBe(404);
  }, 30_000);

  it('keeps a PREMIUM upload for 30 days', async () => {
    const file = await upload('/api/v1/upload', stack.tokens.premium);
    const row = (await stack.uploads.findById(file.id))!;
    expect(Math.abs(row.expiresAt!.getTime() - row.createdAt.getTime() - 30 * DAY_MS)).toBeLessThan(5000);
    expect((await status(file.id, { token: stack.tokens.premium })).status).toBe(200);
  });

  it('answers 410 to the token holder of a swept anonymous upload', async () => {
    const file = await upload('/api/v1/upload/anonymous');
    await stack.db.database.pool.query(`UPDATE uploads SET expires_at = now() - interval '1 minute' WHERE id = $1`, [file.id]);
    await sweep();

    const reply = await fetch(`${stack.edgeUrl}/api/v1/upload/anonymous/${file.id}`, { headers: { 'x-upload-token': file.token } });
    expect(reply.status).toBe(410);
    expect((await fetch(`${stack.edgeUrl}/api/v1/upload/anonymous/${file.id}`, { headers: { 'x-upload-token': 'wrong-token' } })).status).toBe(404);
  });

  it('names new objects opaquely: no user id in the key or the download URL', async () => {
    const worker = await stack.startWorker();
    const file = await upload('/api/v1/upload', stack.tokens.premium);
    const id = await userId('premium@example.com');
    await eventually(async () => (await stack.uploads.findById(file.id))?.status === 'ready');
    const key = (await stack.uploads.findById(file.id))!.objectKey;

    expect(key).toMatch(/^files\/[0-9a-f]{32}$/);
    const { downloadUrl } = (await (await status(file.id, { token: stack.tokens.premium })).json()) as { downloadUrl: string };
    expect(downloadUrl).not.toContain(id);
    expect((await fetch(downloadUrl)).status).toBe(200);
    const anonymous = await upload('/api/v1/upload/anonymous');
    expect((await stack.uploads.findById(anonymous.id))!.objectKey).toMatch(/^files\/[0-9a-f]{32}$/);
    await worker.close();
  });

  it('keeps serving a row stored before under its old `users/<id>/…` key', async () => {
    const id = await userId('premium@example.com');
    const legacyKey = `users/${id}/${randomUUID()}`;
    await stack.storage.client.putObject(stack.storage.bucket, legacyKey, Buffer.from('from before'));
    const { rows } = await stack.db.database.pool.query<{ id: string }>(
      `INSERT INTO uploads (user_id, object_key, name, size, sha256, mime, tier, status, expires_at)
       VALUES ($1, $2, 'old.txt', 11, 'x', 'text/plain', 'PREMIUM', 'ready', now() + interval '1 day') RETURNING id`,
      [id, legacyKey],
    );

    const reply = await status(rows[0]!.id, { token: stack.tokens.premium });

    expect(reply.status).toBe(200);
    const { downloadUrl } = (await reply.json()) as { downloadUrl: string };
    expect(await (await fetch(downloadUrl)).text()).toBe('from before');
  });

  it('gives signed-in rows stored before migration 0006 one full retention from the migration, and leaves the rest alone', async () => {
    const [free, premium] = [await userId('free@example.com'), await userId('premium@example.com')];
    const insert = async (user: string | null, tier: string, expiresAt: string | null) =>
      (
        await stack.db.database.pool.query<{ id: string }>(
          `INSERT INTO uploads (user_id, object_key, name, tier, status, created_at, expires_at)
           VALUES ($1, $2, 'before.txt', $3, 'ready', now() - interval '90 days', $4) RETURNING id`,
          [user, `legacy/${randomUUID()}`, tier, expiresAt],
        )
      ).rows[0]!.id;
    const rows = { free: await insert(free, 'FREE', null), premium: await insert(premium, 'PREMIUM', null), anonymous: await insert(null, 'ANONYMOUS', '2030-01-01T00:00:00Z') };
    const backfill = readFileSync(join(migrationsFolder(), '0006_upload_retention.sql'), 'utf8')
      .split('--> statement-breakpoint')
      .find((statement) => statement.includes('UPDATE'))!;

    await stack.db.database.pool.query(backfill);

    const expiry = async (id: string) => (await stack.uploads.findById(id))!.expiresAt!.getTime() - Date.now();
    expect(Math.abs((await expiry(rows.free)) - DAY_MS)).toBeLessThan(60_000);
    expect(Math.abs((await expiry(rows.premium)) - 30 * DAY_MS)).toBeLessThan(60_000);
    expect((await stack.uploads.findById(rows.anonymous))!.expiresAt!.toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });
});
