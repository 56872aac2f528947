/**
 * `npm run bench`: what the edge's middleware chain costs relative to a bare proxy hop,
 * measured on the production bundles (`npm run build`) on this Node, never through tsx.
 * Every run starts fresh server processes; the load generators run here, in the parent,
 * which otherwise only hosts the dev IdP (hit once per run for a token and the JWKS).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, ensureTemplateDatabase, loadTestConfig, startTestIdentityProvider } from '@tp/testing';
import { BENCH_CASES, benchCase, TRACING_CASES, type BenchCase, type BenchContext, type CaseId } from './bench-cases';
import { buildReport, formatReport, summarize, type BenchSettings } from './bench-report';
import { formatTargets, tracingTarget } from './bench-targets';
import { buildBenchBundles, ROOT } from './build-bench-bundles';
import { runPacedLoad } from './paced-load';
import { runLoad, type LoadResult } from './run-load';

const RESULTS_DIR = join(ROOT, 'bench-results');

// BENCH_DURATION / BENCH_ROUNDS / BENCH_CASES only exist to iterate quickly while profiling.
const SETTINGS: BenchSettings = {
  connections: 50,
  durationSeconds: Number(process.env['BENCH_DURATION'] ?? 8),
  warmupSeconds: 3,
  rounds: Number(process.env['BENCH_ROUNDS'] ?? 3),
  fixedRate: 500,
  rateLimitMax: 100_000_000,
};

type Mode = 'throughput' | 'fixed-rate';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function load(mode: Mode, url: string, headers: Record<string, string>) {
  return mode === 'throughput'
    ? runLoad({ url, headers, connections: SETTINGS.connections, durationSeconds: SETTINGS.durationSeconds })
    : runPacedLoad({ url, headers, ratePerSecond: SETTINGS.fixedRate, durationSeconds: SETTINGS.durationSeconds });
}

function formatCpu(cpu: Record<string, number>): string {
  return Object.entries(cpu)
    .map(([role, micros]) => `${role} ${micros} µs CPU/req`)
    .join(', ');
}

async function measure(benchCase: BenchCase, ctx: BenchContext, runName: string, mode: Mode): Promise<LoadResult> {
  const running = await benchCase.start(ctx, runName);
  let result: LoadResult | undefined;
  let logLines = 0;
  try {
    // Warm-up at full speed so JIT, connection pools and the token cache are hot.
    await runLoad({ url: running.url, headers: running.headers, connections: SETTINGS.connections, durationSeconds: SETTINGS.warmupSeconds });
    await sleep(500);
    const roles = Object.entries(running.measured);
    const before = roles.map(([, proc]) => proc.cpuMicros());
    result = await load(mode, running.url, running.headers);
    const requests = result.requests;
    const cpuUsPerRequest = Object.fromEntries(
      roles.map(([role, proc], index) => [role, Math.round((proc.cpuMicros() - before[index]!) / requests)]),
    );
    result = { ...result, cpuUsPerRequest };
  } finally {
    logLines = await running.stop();
  }
  const logged = benchCase.id === 'b' || benchCase.id === 'a' ? '' : `, request log lines ${logLines}`;
  console.log(
    `  ${runName}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
      `${formatCpu(result.cpuUsPerRequest ?? {})}${logged}`,
  );
  return result;
}

async function runRounds(ctx: BenchContext, cases: BenchCase[], mode: Mode): Promise<Map<CaseId, LoadResult[]>> {
  const results = new Map<CaseId, LoadResult[]>(cases.map((benchCase) => [benchCase.id, []]));
  // Interleaved (a b f c d, a b f c d, …) so drift on the machine hits every case alike.
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    for (const benchCase of cases) {
      const result = await measure(benchCase, ctx, `${mode}-${benchCase.id}-${round}`, mode);
      results.get(benchCase.id)!.push(result);
    }
  }
  return results;
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0;

/**
 * The tracing cost rows: the edge's CPU µs/request with tracing off, on at 0 %, at 10 % and at
 * 100 % sampling, interleaved with (b) so the issue-24 target c-t10/b (req/s) is measured too.
 */
async function tracingCost(ctx: BenchContext): Promise<Record<string, number>> {
  const cases = [benchCase('b'), ...TRACING_CASES];
  console.log(`Tracing cost: ${SETTINGS.rounds} rounds of ${cases.map((c) => c.id).join(' ')} (edge → trivial upstream, OTLP sink)`);
  const results = await runRounds(ctx, cases, 'throughput');
  const edgeCpu = Object.fromEntries(TRACING_CASES.map((c) => [c.id, median(results.get(c.id)!.map((run) => run.cpuUsPerRequest?.['edge'] ?? 0))]));
  const off = edgeCpu['c']!;
  const row = (id: string, label: string) => `  ${label.padEnd(14)} ${String(edgeCpu[id]).padStart(5)} µs CPU/req (edge)${id === 'c' ? '' : `, +${(((edgeCpu[id]! - off) / off) * 100).toFixed(1)} % over off`}`;
  console.log(['\nTracing cost (median of rounds):', row('c', 'off'), row('c-t0', '0 % sampled'), row('c-t10', '10 % sampled'), row('c-t100', '100 % sampled')].join('\n'));
  const traced = TRACING_CASES.find((c) => c.id === 'c-t10')!;
  const summaries = [summarize('b', cases[0]!.label, results.get('b')!), summarize(traced.id, traced.label, results.get(traced.id)!)];
  console.log(formatTargets([tracingTarget({ throughput: summaries, fixedRate: [], fixedRatePerSecond: SETTINGS.fixedRate })]).join('\n'));
  return edgeCpu;
}

async function main(): Promise<void> {
  buildBenchBundles(['edge', 'user']);
  const testConfig = loadTestConfig();
  const idp = await startTestIdentityProvider();
  await ensureTemplateDatabase(testConfig.TEST_POSTGRES_URL);
  const db = await createTestDatabase();
  const logDir = join(RESULTS_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  const ctx: BenchContext = { idp, redisUrl: testConfig.TEST_REDIS_URL, databaseUrl: db.url, logDir, rateLimitMax: SETTINGS.rateLimitMax };
  const loadBefore = loadavg()[0]!;
  try {
    // BENCH_TRACING=1: only the tracing cost rows (off / 0 % / 10 % / 100 %).
    if (process.env['BENCH_TRACING'] === '1') {
      const tracing = await tracingCost(ctx);
      writeFileSync(join(RESULTS_DIR, 'tracing-bench.json'), `${JSON.stringify({ date: new Date().toISOString(), loadAverage: { before: loadBefore, after: loadavg()[0]! }, settings: SETTINGS, edgeCpuUsPerRequest: tracing }, null, 2)}\n`);
      return;
    }
    console.log(`Throughput: ${SETTINGS.rounds} rounds of a b f c d (load average ${loadBefore.toFixed(1)})`);
    const throughput = await runRounds(ctx, BENCH_CASES, 'throughput');
    const fixedCases = BENCH_CASES.filter((benchCase) => benchCase.id === 'a' || benchCase.id === 'c');
    console.log(`Fixed rate ${SETTINGS.fixedRate} req/s, paced open loop: ${SETTINGS.rounds} rounds of a c`);
    const fixed = await runRounds(ctx, fixedCases, 'fixed-rate');

    const report = buildReport({
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      date: new Date().toISOString(),
      loadAverage: { before: loadBefore, after: loadavg()[0]! },
      settings: SETTINGS,
      throughput: BENCH_CASES.map((c) => summarize(c.id, c.label, throughput.get(c.id)!)),
      fixedRate: fixedCases.map((c) => summarize(c.id, c.label, fixed.get(c.id)!)),
    }, join(RESULTS_DIR, 'upload-bench.json'));
    console.log(`\n${formatReport(report)}`);
    const tracing = await tracingCost(ctx);
    writeFileSync(join(RESULTS_DIR, 'gateway-bench.json'), `${JSON.stringify({ ...report, tracingEdgeCpuUsPerRequest: tracing }, null, 2)}\n`);
    console.log(`\nWritten to bench-results/gateway-bench.json`);
  } finally {
    await db.drop();
    await idp.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
