// The runtime tree the images ship (tools/build/build-runtime.mjs), booted as production: every
// process from its bundle with production-only node_modules, NODE_ENV=production, secrets made for
// this run, against real Postgres (a fresh database the tree's migrator creates), Redis, s3rver and
// the dev identity provider (test fixtures, from the dev tree). `npm run smoke`; CI runs it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { z } from 'zod';
import { loadConfig, SERVICES, serviceSpec } from '@tp/config';
import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { eventually, loadTestConfig, startS3Server, startTestIdentityProvider, type S3Server } from '@tp/testing';
import { signPaddlePayload } from '../../apps/billing/src/webhooks/paddle-signature';
import { newIds, paddleEvent, unlistedPriceId, type PaddleEventBody } from '../../apps/billing/tests/support/paddle-fixtures';
import { productionEnv, runInTree, type RuntimeStackEnv, type TreeProcess } from './runtime-stack';

const ROOT = join(__dirname, '..', '..');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(4096, 7)]);

/** SMOKE_RUNTIME_TREE reuses a tree already built (e.g. by CI's previous step); unset builds a fresh one. */
const { SMOKE_RUNTIME_TREE } = loadConfig(z.object({ SMOKE_RUNTIME_TREE: z.string().optional() }));

let tree: string;
let logDir: string;
let idp: DevIdentityProvider;
let s3: S3Server;
let stack: RuntimeStackEnv;
let databaseUrl: string;
let migrator: { code: number | null; log: string };
const running: TreeProcess[] = [];

/** Polls `check` (a refused connection counts as not yet) for up to `timeoutMs`. */
const until = (check: () => Promise<boolean>, timeoutMs = 30_000) => eventually(() => check().catch(() => false), timeoutMs, 250);

async function waitHealthy(processInTree: TreeProcess, port: number): Promise<void> {
  const died = processInTree.exited.then((code) => {
    throw new Error(`${processInTree.name} exited (${code}) before it was healthy:\n${processInTree.log()}`);
  });
  const healthy = until(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 60_000).catch((err: Error) => {
    throw new Error(`${processInTree.name} not healthy: ${err.message}\n${processInTree.log()}`);
  });
  await Promise.race([healthy, died]);
}

function start(name: string, args: readonly string[], port: number): Promise<void> {
  const started = runInTree(tree, name, [...args], stack.env, logDir);
  running.push(started);
  return waitHealthy(started, port);
}

beforeAll(async () => {
  tree = SMOKE_RUNTIME_TREE ?? mkdtempSync(join(tmpdir(), 'tp-runtime-'));
  if (!SMOKE_RUNTIME_TREE) execFileSync(process.execPath, [join(ROOT, 'tools/build/build-runtime.mjs'), tree], { stdio: 'inherit' });
  logDir = mkdtempSync(join(tmpdir(), 'tp-smoke-logs-'));
  [idp, s3] = await Promise.all([startTestIdentityProvider(), startS3Server()]);
  const url = new URL(loadTestConfig().TEST_POSTGRES_URL);
  url.pathname = `/tp_smoke_${Date.now().toString(36)}${process.pid}`;
  databaseUrl = url.toString();
  stack = await productionEnv({ databaseUrl, redisUrl: loadTestConfig().TEST_REDIS_URL, idp, s3 });
  const migrate = runInTree(tree, 'migrate', ['dist/libs/db/migrate.js'], stack.env, logDir);
  migrator = { code: await migrate.exited, log: migrate.log() };
  if (migrator.code !== 0) throw new Error(`the migrator failed (${migrator.code}):\n${migrator.log}`);
  // Every manifest process, the edge (last in the manifest) once its upstreams answer.
  const upstreams = SERVICES.filter((spec) => spec.name !== 'edge');
  await Promise.all(upstreams.map((spec) => start(spec.name, [spec.bundle], stack.ports[spec.name])));
  await start('edge', [serviceSpec('edge').bundle], stack.ports.edge);
}, 8 * 60_000);

afterAll(async () => {
  await Promise.all(running.map((processInTree) => processInTree.stop()));
  await Promise.all([idp?.stop(), s3?.close()]);
  if (databaseUrl) {
    const admin = new URL(databaseUrl);
    const name = admin.pathname.slice(1);
    admin.pathname = '/postgres';
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  }
  if (!SMOKE_RUNTIME_TREE && tree) rmSync(tree, { recursive: true, force: true });
  if (logDir) rmSync(logDir, { recursive: true, force: true });
}, 60_000);

const edge = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${stack.ports.edge}${path}`, init);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function profile(token: string): Promise<Record<string, unknown>> {
  const response = await edge('/api/v1/user/profile', { headers: bearer(token) });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe('the runtime tree, booted with NODE_ENV=production', () => {
  it('migrates a fresh database with the SQL the tree carries', () => {
    expect(migrator).toEqual({ code: 0, log: expect.stringContaining('Migrations applied') });
  });

  it('reports every process and dependency ok on /health/detailed through the edge', async () => {
    let body: Record<string, unknown> = {};
    await until(async () => {
      const response = await edge('/health/detailed');
      body = (await response.json()) as Record<string, unknown>;
      return response.status === 200 && body['status'] === 'ok';
    });
    expect(body['checks']).toMatchObject({
      redis: { status: 'ok' },
      jwks: { status: 'ok' },
      'service:user': { status: 'ok' },
      'service:flags': { status: 'ok' },
      'service:billing': { status: 'ok' },
      'service:upload': { status: 'ok', checks: { postgres: { status: 'ok' }, s3: { status: 'ok' }, queue: { status: 'ok' } } },
    });
    expect((await fetch(`http://127.0.0.1:${stack.ports['upload-worker']}/health/ready`)).status).toBe(200);
  });

  it("starts each bundle with its manifest entry's Node flags (the image's CMD reads <bundle>.flags)", () => {
    const flagsOf = (bundle: string) => (existsSync(join(tree, `${bundle}.flags`)) ? readFileSync(join(tree, `${bundle}.flags`), 'utf8').trim().split(/\s+/) : []);
    expect(SERVICES.map((spec) => [spec.name, flagsOf(spec.bundle)])).toEqual(SERVICES.map((spec) => [spec.name, [...spec.nodeFlags]]));
  });

  it('allows a listed CORS origin and no other', async () => {
    const preflight = (origin: string) =>
      edge('/api/v1/user/profile', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
    expect((await preflight(stack.corsOrigin)).headers.get('access-control-allow-origin')).toBe(stack.corsOrigin);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('turns a password grant into a token the edge accepts for the profile', async () => {
    const token = await idp.passwordGrant('free@example.com', 'password');
    expect(await profile(token)).toMatchObject({ email: 'free@example.com', tier: 'FREE', id: expect.any(String) });
  });

  it('stores an upload in S3 and the worker marks it ready with the sniffed MIME type', async () => {
    const token = await idp.passwordGrant('free@example.com', 'password');
    const form = new FormData();
    form.append('file', new Blob([PNG]), 'smoke.png');
    const response = await edge('/api/v1/upload', { method: 'POST', headers: bearer(token), body: form });
    expect(response.status).toBe(201);
    const [file] = ((await response.json()) as { files: Array<{ id: string }> }).files;
    let upload: Record<string, unknown> = {};
    await until(async () => {
      upload = (await (await edge(`/api/v1/upload/${file!.id}`, { headers: bearer(token) })).json()) as Record<string, unknown>;
      return upload['status'] === 'ready';
    });
    expect(upload).toMatchObject({ size: PNG.length, mime: 'image/png', downloadUrl: expect.any(String) });
  });

  it('keeps the user FREE for an unlisted price and makes them PREMIUM for the listed one, by signed Paddle webhooks through the edge', async () => {
    const token = await idp.passwordGrant('free@example.com', 'password');
    const { id } = await profile(token);
    const ids = { ...newIds(), userId: id as string };
    const send = async (event: PaddleEventBody) => {
      const raw = JSON.stringify(event);
      const response = await edge('/api/v1/webhooks/paddle', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'paddle-signature': signPaddlePayload(raw, stack.webhookSecret) },
        body: raw,
      });
      expect({ status: response.status, body: await response.json() }).toMatchObject({ status: 200, body: { outcome: 'applied' } });
    };

    await send(paddleEvent('subscription.activated', { ...ids, occurredAt: new Date(Date.now() - 1000), items: [{ priceId: unlistedPriceId() }] }));
    expect(await profile(token)).toMatchObject({ tier: 'FREE', subscription: { status: 'active' } });

    await send(paddleEvent('subscription.updated', { ...ids, occurredAt: new Date(), items: [{ priceId: stack.premiumPriceId }] }));
    await until(async () => (await profile(token))['tier'] === 'PREMIUM');
  });
});
