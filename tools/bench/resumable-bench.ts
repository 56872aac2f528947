// The resumable case of `npm run bench:upload`: 200 MB with tus-js-client in 8 MB chunks, straight to
// the upload service and through the edge, on moto (ListParts, AbortMultipartUpload), with the
// upload service's RSS and its temporary disk (the parts @tus/s3-store buffers in TMPDIR) sampled
// every 20 ms.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Upload } from 'tus-js-client';
import { freePort, startMotoServer } from '@tp/testing';
import { ROOT } from './build-bench-bundles';
import { spawnApp } from './spawn-bench-process';

const MB = 1024 * 1024;
const CHUNK = 8 * MB;

export interface ResumableResult {
  route: 'direct' | 'edge';
  sizeMb: number;
  MBps: number;
  rssGrowthMiB: number;
  peakTmpMiB: number;
}

const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) total += statSync(join(dir, name), { throwIfNoEntry: false })?.size ?? 0;
  return total;
}

/** Peak RSS growth and peak bytes in `tmp` while `work` runs. */
async function sampled(pid: number, tmp: string, work: () => Promise<void>): Promise<{ rssGrowthMiB: number; peakTmpMiB: number }> {
  const start = rssKb(pid);
  let peakRss = start;
  let peakTmp = 0;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, rssKb(pid));
    peakTmp = Math.max(peakTmp, dirBytes(tmp));
  }, 20);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return { rssGrowthMiB: (peakRss - start) / 1024, peakTmpMiB: peakTmp / MB };
}

function tusUpload(endpoint: string, token: string, file: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(file, {
      endpoint,
      chunkSize: CHUNK,
      retryDelays: [0, 500, 1000],
      headers: { authorization: `Bearer ${token}` },
      metadata: { filename: 'bench.bin' },
      storeFingerprintForResuming: false,
      onError: reject,
      onSuccess: () => resolve(),
    });
    upload.start();
  });
}

/** Runs the case on a fresh upload service and edge over moto; `env` is the bench's (database, Redis, IdP). */
export async function resumableCase(env: Record<string, string>, token: string, sizeMb = 200): Promise<ResumableResult[]> {
  const moto = await startMotoServer();
  const tmp = join(ROOT, 'bench-results', 'resumable-tmp');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const upload = await spawnApp(
    'upload',
    {
      ...env,
      S3_ENDPOINT: moto.endpoint,
      TMPDIR: tmp,
      UPLOAD_QUEUE_NAME: `bench-${stamp}`,
      UPLOAD_RESUMABLE_PREFIX: `tus-bench:${stamp}:`,
      UPLOAD_IP_HASH_SECRET: `bench-${stamp}-secret`,
      UPLOAD_METRICS_PORT: String(await freePort()),
    },
    { logFile: join(ROOT, 'bench-results', 'upload-bench-resumable.log') },
  );
  const edge = await spawnApp('edge', {
    ...env,
    UPLOAD_SERVICE_URL: upload.url,
    CORS_ORIGINS: 'https://app.example.com',
    RATE_LIMIT_PREFIX: `rl:bench:${stamp}:`,
    EDGE_METRICS_PORT: String(await freePort()),
  });
  const results: ResumableResult[] = [];
  try {
    const file = randomBytes(sizeMb * MB);
    // Warm-up: one small upload each way (code compiled, connections open).
    await tusUpload(`${upload.url}/api/v1/upload/resumable`, token, file.subarray(0, 12 * MB));
    for (const [route, base] of [
      ['direct', upload.url],
      ['edge', edge.url],
    ] as const) {
      const started = performance.now();
      const measured = await sampled(upload.pid, tmp, () => tusUpload(`${base}/api/v1/upload/resumable`, token, file));
      const MBps = sizeMb / ((performance.now() - started) / 1000);
      results.push({ route, sizeMb, MBps, ...measured });
      console.log(
        `resumable ${sizeMb} MB in ${CHUNK / MB} MB chunks ${route === 'direct' ? 'straight to the upload service' : 'through the edge'}: ${MBps.toFixed(1)} MB/s, ` +
          `upload service RSS growth ${measured.rssGrowthMiB.toFixed(1)} MiB, peak temporary disk ${measured.peakTmpMiB.toFixed(1)} MiB`,
      );
    }
  } finally {
    await edge.stop();
    await upload.stop();
    await moto.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  return results;
}
