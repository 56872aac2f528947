// `npm run bench:upload`: a 200 MB upload through the edge into s3rver, against a baseline that
// writes the same generated stream straight to s3rver, with the upload service's RSS sampled.
import { readFileSync } from 'node:fs';
import {
  createTestDatabase,
  ensureTemplateDatabase,
  keycloakEnvFor,
  loadTestConfig,
  startS3Server,
  startServiceProcess,
  startTestIdentityProvider,
} from '@tp/testing';
import { loadUploadConfig } from '../../apps/upload/src/config';
import { ObjectStorage } from '../../apps/upload/src/storage/object-storage';
import { multipartBody, postMultipart } from '../../apps/upload/tests/support/multipart-client';

const MB = 1024 * 1024;
// `npm run bench:upload -- 50` runs another size, to compare memory growth across sizes.
const SIZE = Number(process.argv[2] ?? 200) * MB;

function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0);
}

/** tsx's CLI runs the service in a child process: follow to the deepest descendant. */
function servicePid(pid: number): number {
  let current = pid;
  for (;;) {
    const children = readFileSync(`/proc/${current}/task/${current}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    if (children.length === 0) return current;
    current = Number(children[0]);
  }
}

function sampleRss(pid: number) {
  const start = rssKb(pid);
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 50);
  return { start, stop: () => (clearInterval(timer), { start, peak }) };
}

const mbps = (bytes: number, ms: number) => (bytes / MB / (ms / 1000)).toFixed(1);

async function main(): Promise<void> {
  const { TEST_POSTGRES_URL, TEST_REDIS_URL } = loadTestConfig();
  await ensureTemplateDatabase(TEST_POSTGRES_URL);
  const db = await createTestDatabase();
  const idp = await startTestIdentityProvider();
  const s3 = await startS3Server();
  const env = { ...keycloakEnvFor(idp), DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, S3_ENDPOINT: s3.endpoint, LOG_LEVEL: 'warn', UPLOAD_QUEUE_NAME: `bench-${Date.now()}` };
  const upload = await startServiceProcess('upload', env, 'UPLOAD_PORT');
  const edge = await startServiceProcess('edge', { ...env, UPLOAD_SERVICE_URL: upload.url, RATE_LIMIT_PREFIX: `rl:bench:${Date.now()}:` }, 'EDGE_PORT');
  try {
    const storage = new ObjectStorage(loadUploadConfig({ S3_ENDPOINT: s3.endpoint }).s3);
    await storage.ensureBucket();
    const baselineStarted = performance.now();
    await storage.write('bench/baseline', multipartBody([{ filename: 'b', size: SIZE }]).stream, () => 'application/octet-stream');
    const baselineMs = performance.now() - baselineStarted;

    const token = await idp.passwordGrant('premium@example.com', 'password');
    const rss = sampleRss(servicePid(upload.child.pid!));
    const started = performance.now();
    const reply = await postMultipart(`${edge.url}/api/v1/upload`, [{ filename: 'bench.bin', size: SIZE }], { token });
    const elapsed = performance.now() - started;
    const { start, peak } = rss.stop();
    if (reply.status !== 201) throw new Error(`upload failed: ${reply.status} ${reply.text}`);
    console.log(`baseline  direct multipart write to s3rver: ${mbps(SIZE, baselineMs)} MB/s (${(baselineMs / 1000).toFixed(2)} s)`);
    console.log(`through   client → edge → upload → s3rver: ${mbps(SIZE, elapsed)} MB/s (${(elapsed / 1000).toFixed(2)} s)`);
    console.log(`ratio     ${(baselineMs / elapsed).toFixed(2)} of baseline throughput`);
    console.log(`upload service RSS: start ${(start / 1024).toFixed(1)} MB, peak ${(peak / 1024).toFixed(1)} MB, growth ${((peak - start) / 1024).toFixed(1)} MB for a ${SIZE / MB} MB file`);
  } finally {
    await edge.stop();
    await upload.stop();
    await idp.stop();
    await db.drop();
    await s3.close();
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
