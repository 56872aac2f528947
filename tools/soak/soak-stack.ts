import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICES } from '@tp/config';
import { startDevIdentityProvider, type DevIdentityProvider, type DevUser } from '@tp/dev-identity-provider';
import {
  createTestDatabase,
  DEV_PASSWORD,
  ensureTemplateDatabase,
  loadTestConfig,
  startS3Server,
  TEST_AUDIENCE,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  TEST_REALM,
} from '@tp/testing';
import { productionEnv, runInTree, type RuntimeStackEnv, type TreeProcess } from '../smoke/runtime-stack';
import { InspectorClient } from './inspector-client';

const ROOT = join(__dirname, '..', '..');

export interface SoakProcess {
  name: string;
  pid: number;
  /** null while it runs; its exit code (or signal) once it has died. */
  exitCode: () => number | string | null;
  inspector: InspectorClient;
  log: () => string;
}

export interface SoakStack {
  edgeUrl: string;
  databaseUrl: string;
  idp: DevIdentityProvider;
  webhookSecret: string;
  premiumPriceId: string;
  processes: SoakProcess[];
  stop: () => Promise<void>;
}

export const soakUserEmail = (index: number) => `soak-${index}@example.com`;

function soakUsers(count: number): DevUser[] {
  return Array.from({ length: count }, (_, index) => ({ email: soakUserEmail(index), username: `soak-${index}`, password: DEV_PASSWORD, roles: [] }));
}

/** Node prints `Debugger listening on ws://127.0.0.1:<port>/<uuid>` before it runs the bundle. */
export function inspectorPortOf(log: string): number {
  const match = /Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
  if (!match) throw new Error(`no inspector address in the log:\n${log.slice(0, 2000)}`);
  return Number(match[1]);
}

async function waitHealthy(started: TreeProcess, port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null) throw new Error(`${started.name} exited (${started.child.exitCode}):\n${started.log()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((response) => response.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${started.name} not healthy within 60 s:\n${started.log()}`);
}

/**
 * The whole product from its production bundles (NODE_ENV=production, each with its manifest Node flags,
 * production-like config from the smoke stack) on free loopback ports, each process with an
 * inspector on loopback so the soak can force a GC and read its heap. `extraEnv` sets what the
 * traffic mix needs (e.g. a Paddle price that buys PREMIUM).
 */
export async function startSoakStack(accounts: number, extraEnv: Record<string, string>, say: (line: string) => void, build = true): Promise<SoakStack> {
  if (build) {
    say('building production bundles (npm run build) …');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const { TEST_POSTGRES_URL, TEST_REDIS_URL } = loadTestConfig();
  await ensureTemplateDatabase(TEST_POSTGRES_URL);
  const db = await createTestDatabase();
  const idp = await startDevIdentityProvider({
    port: 0,
    realm: TEST_REALM,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    audience: TEST_AUDIENCE,
    users: soakUsers(accounts),
  });
  const s3 = await startS3Server();
  const logDir = mkdtempSync(join(tmpdir(), 'tp-soak-logs-'));
  const stack: RuntimeStackEnv = await productionEnv({ databaseUrl: db.url, redisUrl: TEST_REDIS_URL, idp, s3 });
  const env = { ...stack.env, ...extraEnv };
  const started: Array<{ tree: TreeProcess; inspector?: InspectorClient }> = [];
  const stop = async () => {
    for (const entry of started.reverse()) {
      entry.inspector?.close();
      await entry.tree.stop();
    }
    await Promise.all([idp.stop(), s3.close()]);
    await db.drop();
    rmSync(logDir, { recursive: true, force: true });
  };
  try {
    // Every manifest process, in its start order, from the bundles `npm run build` writes.
    for (const spec of SERVICES) {
      // Port 0: the kernel picks the inspector's port, so it can never take a port chosen for a later process.
      const tree = runInTree(ROOT, spec.name, [spec.bundle], env, logDir, ['--inspect=127.0.0.1:0']);
      const entry: { tree: TreeProcess; inspector?: InspectorClient } = { tree };
      started.push(entry);
      await waitHealthy(tree, stack.ports[spec.name]);
      entry.inspector = await InspectorClient.connect(inspectorPortOf(tree.log()));
    }
    // A process can answer /health and still die of a later listen (its metrics port taken): not before the soak starts.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const dead = started.find(({ tree }) => tree.child.exitCode !== null || tree.child.signalCode !== null);
    if (dead) throw new Error(`${dead.tree.name} exited at start:\n${dead.tree.log().slice(-2000)}`);
  } catch (err) {
    await stop();
    throw err;
  }
  const processes = started.map(({ tree, inspector }) => ({
    name: tree.name,
    pid: tree.child.pid!,
    exitCode: () => tree.child.exitCode ?? tree.child.signalCode,
    inspector: inspector!,
    log: tree.log,
  }));
  return { edgeUrl: `http://127.0.0.1:${stack.ports.edge}`, databaseUrl: db.url, idp, webhookSecret: stack.webhookSecret, premiumPriceId: stack.premiumPriceId, processes, stop };
}
