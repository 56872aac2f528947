import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { processEnv } from '@tp/config';
import { Client } from 'pg';
import { eventually, freePort, loadTestConfig, startTcpProxy, type TcpProxy } from '@tp/testing';

const ROOT = join(__dirname, '..', '..', '..', '..');
const POSTGRES = new URL(loadTestConfig().TEST_POSTGRES_URL);

interface Run {
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm run db:migrate` as its own process, with only the variables given. */
function runMigrator(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'libs/db/src/cli/migrate.ts')], {
    cwd: ROOT,
    env: { PATH: processEnv()['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { output: () => output, exited: new Promise((resolve) => child.once('exit', resolve)) };
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('db:migrate waiting for PostgreSQL', () => {
  const name = `tp_late_${process.pid}_${Date.now().toString(36)}`;
  let proxy: TcpProxy | undefined;

  afterAll(async () => {
    await proxy?.close();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  });

  it('retries until a Postgres that starts listening late accepts, then migrates', async () => {
    const port = await freePort();
    const url = new URL(POSTGRES.toString());
    url.host = `127.0.0.1:${port}`;
    url.pathname = `/${name}`;
    const run = runMigrator({ DATABASE_URL: url.toString(), MIGRATE_CONNECT_TIMEOUT_SECONDS: '60' });
    // Nothing listens yet: the migrator must say it waits rather than fail.
    await eventually(() => run.output().includes('retrying'), 30_000);
    proxy = await startTcpProxy(POSTGRES.hostname, Number(POSTGRES.port || 5432), { listenPort: port });

    expect(await run.exited).toBe(0);
    expect(run.output()).toContain(`PostgreSQL at 127.0.0.1:${port} is not accepting connections yet (ECONNREFUSED); retrying for up to 60 s`);
    expect(run.output()).toMatch(/PostgreSQL at 127\.0\.0\.1:\d+ is up after [\d.]+ s/);
    expect(run.output()).toContain('Migrations applied');
    const migrated = new URL(POSTGRES.toString());
    migrated.pathname = `/${name}`;
    const client = new Client({ connectionString: migrated.toString() });
    await client.connect();
    const { rows } = await client.query<{ users: string | null }>("SELECT to_regclass('public.users')::text AS users");
    await client.end();
    expect(rows).toEqual([{ users: 'users' }]);
  });

  it('gives up after MIGRATE_CONNECT_TIMEOUT_SECONDS with one line naming host and port', async () => {
    const port = await freePort();
    const run = runMigrator({ DATABASE_URL: `postgres://postgres:not-logged@127.0.0.1:${port}/nothing`, MIGRATE_CONNECT_TIMEOUT_SECONDS: '2' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`Migration failed: PostgreSQL at 127.0.0.1:${port} still not accepting connections after 2 s (ECONNREFUSED)`);
    expect(run.output()).not.toContain('not-logged');
  });
});
