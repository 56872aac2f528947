// `npm run bench:upload [-- <MB> …]`: uploads through the edge into s3rver on the production bundles
// (fresh edge and upload service per size), in BENCH_UPLOAD_ROUNDS (3) interleaved pairs with a
// direct multipart write of the same generated stream to s3rver (its own process): the ratio of the
// medians, each process's CPU per MB, and the upload service's RSS sampled every 20 ms. Default sizes
// 50, 200 and 1024 MB; above the PREMIUM file limit (200 MB) the request carries several 200 MB
// files, which the service stores one after the other.
// Then the resumable case (resumable-bench.ts): 200 MB with tus-js-client on moto, direct and through the edge.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, ensureTemplateDatabase, freePort, keycloakEnvFor, loadTestConfig, startTestIdentityProvider } from '@tp/testing';
import { limitsFor } from '@tp/tiers';
import { loadUploadConfig } from '../../apps/upload/src/config';
import { ObjectStorage } from '../../apps/upload/src/storage/object-storage';
import { multipartBody, postMultipart, type FilePart } from '../../apps/upload/tests/support/multipart-client';
import { buildBenchBundles, ROOT } from './build-bench-bundles';
import { resumableCase, type ResumableResult } from './resumable-bench';
import { spawnApp, spawnBenchServer } from './spawn-bench-process';

const MB = 1024 * 1024;
const MIB_TARGET = 32;
const RATIO_TARGET = 0.9;
// Production refuses to start without a price that buys PREMIUM; the bench's user is PREMIUM by role.
const PRICES = { PADDLE_PREMIUM_PRICE_IDS: 'pri_01benchpremium' };
const SIZES_MB = process.argv.slice(2).map(Number).filter((size) => size > 0);

function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0);
}

function sampleRss(pid: number) {
  const start = rssKb(pid);
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 20);
  return () => {
    clearInterval(timer);
    return { startMiB: start / 1024, peakMiB: Math.max(peak, rssKb(pid)) / 1024 };
  };
}

/** One file up to the PREMIUM limit, else as many full-size files as the size needs. */
function filesFor(sizeMb: number): FilePart[] {
  const limit = limitsFor('PREMIUM').maxFileSizeBytes;
  const files: FilePart[] = [];
  for (let left = sizeMb * MB; left > 0; left -= limit) files.push({ field: 'files', filename: `bench-${files.length}.bin`, size: Math.min(limit, left) });
  return files.length === 1 ? [{ filename: 'bench.bin', size: files[0]!.size }] : files;
}

const mbps = (bytes: number, ms: number) => bytes / MB / (ms / 1000);

interface Stack {
  edgeUrl: string;
  uploadPid: number;
  edgeCpu: () => number;
  uploadCpu: () => number;
  stop: () => Promise<void>;
}

/** One multipart file (two parts) and a two-file batch: every code path a measured upload takes, once. */
async function warmUp(edgeUrl: string, token: string): Promise<void> {
  for (const files of [[{ filename: 'warm.bin', size: 12 * MB }], [1, 2].map((n) => ({ field: 'files', filename: `warm-${n}.bin`, size: 6 * MB }))]) {
    const reply = await postMultipart(`${edgeUrl}/api/v1/upload`, files, { token });
    if (reply.status !== 201) throw new Error(`warm-up upload failed: ${reply.status} ${reply.text}`);
  }
}

/** A fresh upload service and edge per size, so each RSS growth starts from a just-started process. */
async function startStack(env: Record<string, string>): Promise<Stack> {
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const upload = await spawnApp(
    'upload',
    { ...env, UPLOAD_QUEUE_NAME: `bench-${stamp}`, UPLOAD_IP_HASH_SECRET: `bench-${stamp}-secret`, UPLOAD_METRICS_PORT: String(await freePort()) },
    { logFile: join(ROOT, 'bench-results', 'upload-bench-upload.log'), // UPLOAD_NODE_FLAGS and EDGE_NODE_FLAGS (--trace-gc, --cpu-prof) exist to investigate while iterating.
      nodeFlags: process.env['UPLOAD_NODE_FLAGS']?.split(' ') },
  );
  const edge = await spawnApp(
    'edge',
    { ...env, UPLOAD_SERVICE_URL: upload.url, CORS_ORIGINS: 'https://app.example.com', RATE_LIMIT_PREFIX: `rl:bench:${stamp}:`, EDGE_METRICS_PORT: String(await freePort()) },
    { logFile: join(ROOT, 'bench-results', 'upload-bench-edge.log'), nodeFlags: process.env['EDGE_NODE_FLAGS']?.split(' ') },
  );
  return {
    edgeUrl: edge.url,
    uploadPid: upload.pid,
    edgeCpu: edge.cpuMicros,
    uploadCpu: upload.cpuMicros,
    stop: async () => {
      await edge.stop();
      await upload.stop();
    },
  };
}

const ROUNDS = Number(process.env['BENCH_UPLOAD_ROUNDS'] ?? 3);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Round {
  ms: number;
  /** CPU µs per MB of each process that worked on it. */
  cpuPerMb: Record<string, number>;
}

/** Runs `upload` once and reports its time and each process's CPU per MB over it. */
async function timed(bytes: number, processes: Record<string, () => number>, upload: () => Promise<void>): Promise<Round> {
  const before = Object.fromEntries(Object.entries(processes).map(([name, cpu]) => [name, cpu()]));
  const started = performance.now();
  await upload();
  const ms = performance.now() - started;
  const cpuPerMb = Object.fromEntries(Object.entries(processes).map(([name, cpu]) => [name, (cpu() - before[name]!) / (bytes / MB)]));
  return { ms, cpuPerMb };
}

const ownCpu = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

/**
 * ROUNDS interleaved pairs, a direct multipart write of the generated stream to S3 from this
 * process (the same ObjectStorage code the service uses), then the same bytes as an upload
 * through the edge; the ratio of the medians, and each process's CPU per MB (medians).
 */
async function measureSize(sizeMb: number, stack: Stack, storage: ObjectStorage, s3: { cpuMicros: () => number }, token: string) {
  const bytes = sizeMb * MB;
  // The first upload also pays one-time costs (code compiled on first use, the S3 and database
  // connections, the part-buffer pool): measured from the cold process too, but the target is
  // what an upload of this size costs a running service.
  const coldMiB = rssKb(stack.uploadPid) / 1024;
  await warmUp(stack.edgeUrl, token);
  const stopSampling = sampleRss(stack.uploadPid);
  const direct: Round[] = [];
  const through: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    direct.push(
      await timed(bytes, { bench: ownCpu, s3: s3.cpuMicros }, async () => {
        await storage.write(`bench/baseline-${sizeMb}`, multipartBody([{ filename: 'b', size: bytes }]).stream, () => 'application/octet-stream');
        await storage.remove(`bench/baseline-${sizeMb}`);
      }),
    );
    through.push(
      await timed(bytes, { client: ownCpu, edge: stack.edgeCpu, upload: stack.uploadCpu, s3: s3.cpuMicros }, async () => {
        const reply = await postMultipart(`${stack.edgeUrl}/api/v1/upload`, filesFor(sizeMb), { token });
        if (reply.status !== 201) throw new Error(`upload failed: ${reply.status} ${reply.text}`);
      }),
    );
  }
  const { startMiB, peakMiB } = stopSampling();
  const baselineMs = median(direct.map((run) => run.ms));
  const elapsed = median(through.map((run) => run.ms));
  const cpu = (runs: Round[]) => Object.fromEntries(Object.keys(runs[0]!.cpuPerMb).map((name) => [name, median(runs.map((run) => run.cpuPerMb[name]!))]));
  const result = {
    sizeMb,
    rounds: ROUNDS,
    baselineMBps: mbps(bytes, baselineMs),
    throughMBps: mbps(bytes, elapsed),
    ratio: baselineMs / elapsed,
    roundRatios: direct.map((run, index) => run.ms / through[index]!.ms),
    directCpuPerMb: cpu(direct),
    throughCpuPerMb: cpu(through),
    coldMiB,
    startMiB,
    peakMiB,
    growthMiB: peakMiB - startMiB,
    coldGrowthMiB: peakMiB - coldMiB,
    growthPass: peakMiB - startMiB <= MIB_TARGET,
  };
  const perMb = (cpuPerMb: Record<string, number>) => Object.entries(cpuPerMb).map(([name, micros]) => `${name} ${(micros / 1000).toFixed(1)}`).join(', ');
  console.log(
    `${String(sizeMb).padStart(5)} MB (${ROUNDS} interleaved rounds, medians): direct ${result.baselineMBps.toFixed(1)} MB/s, through edge ${result.throughMBps.toFixed(1)} MB/s ` +
      `(ratio ${result.ratio.toFixed(2)}; rounds ${result.roundRatios.map((ratio) => ratio.toFixed(2)).join(' ')})\n` +
      `        CPU ms per MB: direct ${perMb(result.directCpuPerMb)}; through edge ${perMb(result.throughCpuPerMb)}\n` +
      `        upload service RSS cold ${coldMiB.toFixed(1)}, after warm-up ${startMiB.toFixed(1)} → peak ${peakMiB.toFixed(1)} MiB: ` +
      `growth ${result.growthMiB.toFixed(1)} MiB (${result.coldGrowthMiB.toFixed(1)} from cold)`,
  );
  return result;
}

async function main(): Promise<void> {
  buildBenchBundles(['edge', 'upload']);
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  const { TEST_POSTGRES_URL, TEST_REDIS_URL } = loadTestConfig();
  await ensureTemplateDatabase(TEST_POSTGRES_URL);
  const db = await createTestDatabase();
  const idp = await startTestIdentityProvider();
  const s3 = await spawnBenchServer('s3-server');
  const env = { ...keycloakEnvFor(idp), NODE_ENV: 'production', DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, S3_ENDPOINT: s3.url, LOG_LEVEL: 'warn', ...PRICES };
  const results: Array<Awaited<ReturnType<typeof measureSize>>> = [];
  let resumable: ResumableResult[] = [];
  try {
    const storage = new ObjectStorage(loadUploadConfig({ S3_ENDPOINT: s3.url }).s3);
    await storage.ensureBucket();
    const token = await idp.passwordGrant('premium@example.com', 'password');
    for (const sizeMb of SIZES_MB.length > 0 ? SIZES_MB : [50, 200, 1024]) {
      const stack = await startStack(env);
      try {
        results.push(await measureSize(sizeMb, stack, storage, s3, token));
      } finally {
        await stack.stop();
      }
    }
    resumable = await resumableCase(env, token);
  } finally {
    await idp.stop();
    await db.drop();
    await s3.stop();
  }
  console.log('');
  for (const result of results) {
    console.log(
      `${result.growthPass ? 'PASS' : 'MISS'}  RSS growth ≤ ${MIB_TARGET} MiB at ${result.sizeMb} MB, after warm-up  ` +
        `(${result.growthMiB.toFixed(1)} MiB; ${result.coldGrowthMiB.toFixed(1)} MiB from the cold process)`,
    );
  }
  const at200 = results.find((result) => result.sizeMb === 200);
  if (at200) {
    const ratio = at200.ratio;
    console.log(`${ratio >= RATIO_TARGET ? 'PASS' : 'MISS'}  200 MB through the edge ≥ ${RATIO_TARGET} × direct write  (${ratio.toFixed(2)})`);
  }
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  const [direct, edge] = resumable;
  if (direct && edge) console.log(`INFO  resumable 200 MB through the edge / direct: ${(edge.MBps / direct.MBps).toFixed(2)} (same run, same machine)`);
  writeFileSync(join(ROOT, 'bench-results', 'upload-bench.json'), `${JSON.stringify({ node: process.version, date: new Date().toISOString(), results, resumable }, null, 2)}\n`);
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
