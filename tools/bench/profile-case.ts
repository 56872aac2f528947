/**
 * `npm run bench:profile -- <case> [process]`: one bench case (a, b, f, c, d, c-t0, c-t10 or c-t100; default c) with
 * one of its processes (proxy, edge or user; default edge, proxy for a, b and f) under
 * `--cpu-prof`, then where that process's CPU goes: self and inclusive time by package and
 * the hottest functions, mapped back to our sources through the bundles' source maps.
 * Runs the same production bundles as `npm run bench`; the profile stays in
 * bench-results/profiles/ for DevTools. PROFILE=0 measures CPU per request without profiling.
 * GC=1 instead runs that process with `--trace-gc-nvp` at a paced 500 req/s (the bench's fixed
 * rate) and prints its scavenges: pauses and MB promoted per scavenge.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, ensureTemplateDatabase, loadTestConfig, startTestIdentityProvider } from '@tp/testing';
import { benchCase } from './bench-cases';
import { buildBenchBundles, ROOT } from './build-bench-bundles';
import { summarizeGcTrace } from './gc-stats';
import { runPacedLoad } from './paced-load';
import { runLoad } from './run-load';
import { summarizeCpuProfile, type HotSpot } from './summarize-cpu-profile';

const RESULTS_DIR = join(ROOT, 'bench-results');
const PROFILE_DIR = join(RESULTS_DIR, 'profiles');

/** The GC lines `role` logs during a paced 500 req/s run (after the full-speed warm-up). */
async function traceGc(logFile: string, target: { url: string; headers: Record<string, string> }, name: string): Promise<void> {
  const before = statSync(logFile).size;
  const result = await runPacedLoad({ ...target, ratePerSecond: 500, durationSeconds: Number(process.env['BENCH_DURATION'] ?? 8) });
  const gc = summarizeGcTrace(readFileSync(logFile).subarray(before).toString('utf8'));
  console.log(
    `${name} at 500 req/s: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; ${gc.scavenges} scavenges, pause mean ` +
      `${gc.meanScavengePauseMs} ms, max ${gc.maxScavengePauseMs} ms, ${gc.promotedMiBPerScavenge} MiB promoted per scavenge; ` +
      `${gc.fullCollections} full GCs (max pause ${gc.maxFullPauseMs} ms)`,
  );
}

function print(title: string, spots: HotSpot[]): void {
  console.log(`\n${title}`);
  for (const spot of spots) console.log(`${String(spot.percent).padStart(5)}%  ${spot.name}`);
}

async function main(): Promise<void> {
  const selected = benchCase(process.argv[2] ?? 'c');
  const role = process.argv[3] ?? (['a', 'b', 'f'].includes(selected.id) ? 'proxy' : 'edge');
  buildBenchBundles(['edge', 'user']);
  rmSync(PROFILE_DIR, { recursive: true, force: true });
  mkdirSync(PROFILE_DIR, { recursive: true });
  const logDir = join(RESULTS_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  const testConfig = loadTestConfig();
  const idp = await startTestIdentityProvider();
  await ensureTemplateDatabase(testConfig.TEST_POSTGRES_URL);
  const db = await createTestDatabase();
  const gcTrace = process.env['GC'] === '1';
  const profiling = process.env['PROFILE'] !== '0' && !gcTrace;
  const flags = gcTrace ? { [role]: ['--trace-gc-nvp'] } : profiling ? { [role]: ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] } : {};
  const ctx = { idp, redisUrl: testConfig.TEST_REDIS_URL, databaseUrl: db.url, logDir, rateLimitMax: 100_000_000 };
  try {
    const running = await selected.start(ctx, `profile-${selected.id}`, flags);
    try {
      const measured = running.measured[role];
      if (!measured) throw new Error(`Case ${selected.id} has no ${role} process (${Object.keys(running.measured).join(', ')})`);
      const load = { url: running.url, headers: running.headers, connections: 50 };
      await runLoad({ ...load, durationSeconds: 3 });
      if (gcTrace) {
        await traceGc(running.logs[role]!, { url: running.url, headers: running.headers }, `case ${selected.id}, ${role}`);
        return;
      }
      const before = Object.fromEntries(Object.entries(running.measured).map(([name, proc]) => [name, proc.cpuMicros()]));
      const result = await runLoad({ ...load, durationSeconds: Number(process.env['BENCH_DURATION'] ?? 8) });
      const cpu = Object.entries(running.measured)
        .map(([name, proc]) => `${name} ${Math.round((proc.cpuMicros() - before[name]!) / result.requests)} µs CPU/req`)
        .join(', ');
      console.log(
        `case ${selected.id} (${selected.label}): ${Math.round(result.requestsPerSecond)} req/s, ` +
          `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${cpu}${profiling ? ` (${role} under --cpu-prof)` : ''}`,
      );
    } finally {
      await running.stop();
    }
  } finally {
    await db.drop();
    await idp.stop();
  }
  if (!profiling) return;
  const profile = readdirSync(PROFILE_DIR).find((name) => name.endsWith('.cpuprofile'));
  if (!profile) throw new Error('No CPU profile written');
  const summary = summarizeCpuProfile(join(PROFILE_DIR, profile));
  print(`Self time by package, ${role} (bench-results/profiles/${profile}):`, summary.packages);
  print('Inclusive time by package (on the stack):', summary.inclusive);
  print('Self time by function:', summary.functions);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
