import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { ConfigError, processEnv, SERVICES, serviceSpec, type ServiceSpec } from '@tp/config';
import { ensureDatabaseExists, migrateDatabase } from '@tp/db';
import { startDevIdentityIfNeeded } from './dev-identity';
import { startDevS3IfNeeded } from './dev-s3';
import { preflight } from './preflight';
import { loadStackConfig } from './stack-config';

const ROOT = join(__dirname, '..', '..');
const say = (line: string) => process.stdout.write(`[stack] ${line}\n`);

/** One manifest process from source: one `node` with the tsx loader and the manifest's Node flags. */
function startService(service: ServiceSpec): ChildProcess {
  const child = spawn(process.execPath, [...service.nodeFlags, '--import', 'tsx', join(ROOT, service.entry)], {
    cwd: ROOT,
    env: processEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => process.stdout.write(`[${service.name}] ${line}\n`));
  }
  return child;
}

async function waitHealthy(service: ServiceSpec, child: ChildProcess): Promise<void> {
  const port = processEnv()[service.port.variable] ?? String(service.port.default);
  for (let attempt = 0; attempt < 150; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`${service.name} exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${service.name} did not become healthy on port ${port}`);
}

/** `npm start`: preflight, migrate, dev identity provider if needed, every service, the edge. */
async function main(): Promise<void> {
  const config = loadStackConfig();
  const problems = await preflight(config.DATABASE_URL, config.REDIS_URL);
  if (problems.length > 0) {
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  await ensureDatabaseExists(config.DATABASE_URL);
  await migrateDatabase(config.DATABASE_URL);
  say('migrations applied');
  // The tracing preload every service loads (the manifest's Node flags); off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
  execFileSync(process.execPath, [join(ROOT, 'tools/build/build-app.mjs'), 'telemetry'], { cwd: ROOT, stdio: 'ignore' });
  const idp = await startDevIdentityIfNeeded(config);
  if (idp) say(`dev identity provider (Keycloak stand-in) at ${idp.issuer}`);
  const s3 = await startDevS3IfNeeded();
  if (s3?.kind === 'moto_server') say(`dev S3 server (moto_server, in memory; multipart and resumable uploads) at ${s3.endpoint}`);
  if (s3?.kind === 's3rver') say(`dev S3 server (s3rver, files in tmp/s3rver; no resumable uploads: put moto_server on PATH) at ${s3.endpoint}`);

  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    await idp?.stop();
    await s3?.close();
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  // In manifest order: the edge last, once its upstreams answer.
  for (const service of SERVICES) {
    const child = startService(service);
    children.push(child);
    child.once('exit', (code) => {
      if (!stopping) {
        say(`${service.name} exited unexpectedly (code ${code}); stopping the stack`);
        void stop(1);
      }
    });
    await waitHealthy(service, child);
  }
  const edge = serviceSpec('edge');
  say(`ready: edge on http://localhost:${processEnv()[edge.port.variable] ?? edge.port.default} (Ctrl-C stops everything)`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `Stack failed to start: ${String(err)}`}\n`);
  process.exit(1);
});
