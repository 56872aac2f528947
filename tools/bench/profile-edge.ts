/**
 * `tsx tools/bench/profile-edge.ts`: case (c) once, with the edge under `--cpu-prof`, and
 * the hottest functions and packages printed — where the edge's per-request time goes.
 * Not part of `npm run bench`; the profile stays in bench-results/profiles/ for DevTools.
 * (Node 20 refuses --cpu-prof in NODE_OPTIONS, so the edge is spawned here directly.)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, keycloakEnvFor, loadTestConfig, startTestIdentityProvider, TEST_PASSWORD } from '@tp/testing';
import { runLoad } from './run-load';
import { spawnBenchProcess } from './spawn-bench-process';
import { summarizeCpuProfile } from './summarize-cpu-profile';

const ROOT = join(__dirname, '..', '..');
const PROFILE_DIR = join(ROOT, 'bench-results', 'profiles');

/**
 * The edge's user+system CPU seconds from /proc (Linux). CPU per request is stable even
 * when other jobs share the machine, unlike req/s, so it is what before/after compares.
 */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function waitForHealth(url: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('edge did not start');
}

async function main(): Promise<void> {
  rmSync(PROFILE_DIR, { recursive: true, force: true });
  mkdirSync(PROFILE_DIR, { recursive: true });
  const idp = await startTestIdentityProvider();
  const upstream = await spawnBenchProcess('trivial-upstream.ts');
  const port = await freePort();
  const log = openSync(join(ROOT, 'bench-results', 'profile-edge.log'), 'w');
  const profileFlags = process.env['PROFILE'] === '0' ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`];
  const edge = spawn(process.execPath, [...profileFlags, '--import', 'tsx', 'apps/edge/src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
      ...keycloakEnvFor(idp),
      EDGE_PORT: String(port),
      REDIS_URL: loadTestConfig().TEST_REDIS_URL,
      USER_SERVICE_URL: upstream.url,
      CORS_ORIGINS: 'https://app.example.com',
      RATE_LIMIT_MAX: '100000000',
      RATE_LIMIT_PREFIX: 'bench:rl:',
    },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise((resolve) => edge.once('exit', resolve));
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url);
    const token = await idp.passwordGrant('free', TEST_PASSWORD);
    const load = {
      url: `${url}/api/v1/user/profile`,
      headers: { authorization: `Bearer ${token}`, origin: 'https://app.example.com' },
      connections: 50,
    };
    await runLoad({ ...load, durationSeconds: 3 });
    const cpuBefore = cpuSeconds(edge.pid!);
    const result = await runLoad({ ...load, durationSeconds: Number(process.env['BENCH_DURATION'] ?? 8) });
    const cpuPerRequestUs = ((cpuSeconds(edge.pid!) - cpuBefore) / result.requests) * 1e6;
    console.log(
      `edge: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
        `${Math.round(cpuPerRequestUs)} µs edge CPU per request`,
    );
  } finally {
    edge.kill('SIGTERM');
    await exited;
    await upstream.stop();
    await idp.stop();
  }
  if (profileFlags.length === 0) return;
  const profile = readdirSync(PROFILE_DIR).find((name) => name.endsWith('.cpuprofile'));
  if (!profile) throw new Error('No CPU profile written');
  const summary = summarizeCpuProfile(join(PROFILE_DIR, profile));
  console.log(`\nSelf time by package (bench-results/profiles/${profile}):`);
  for (const spot of summary.packages) console.log(`${String(spot.percent).padStart(5)}%  ${spot.name}`);
  console.log('\nInclusive time by package (on the stack):');
  for (const spot of summary.inclusive) console.log(`${String(spot.percent).padStart(5)}%  ${spot.name}`);
  console.log('\nSelf time by function:');
  for (const spot of summary.functions) console.log(`${String(spot.percent).padStart(5)}%  ${spot.name}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
