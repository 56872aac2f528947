import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload, type UploadOptions } from 'tus-js-client';
import { parseExposition, sampleValue } from '@tp/metrics';
import {
  freePort,
  keycloakEnvFor,
  startMotoServer,
  startServiceProcess,
  startTcpProxy,
  startTestStack,
  type MotoServer,
  type ServiceProcess,
  type TcpProxy,
  type TestStack,
} from '@tp/testing';

export const RESUMABLE = '/api/v1/upload/resumable';

export interface ResumableStack {
  stack: TestStack;
  moto: MotoServer;
  bucket: string;
  /** Two upload replicas on one database, Redis and bucket; `front` sends the edge to one of them. */
  replicas: [ServiceProcess, ServiceProcess];
  front: TcpProxy;
  /** Between the services and S3, with `s3ViaProxy`: set it to reset for a storage outage. */
  s3Path?: TcpProxy;
  /** Between the client and the edge: cut it to drop a client's connection mid-PATCH. */
  client: TcpProxy;
  /** The edge as the client reaches it (through `client`). */
  edgeUrl: string;
  tokens: { free: string; premium: string };
  /** A metric summed over both replicas' series with these labels (e.g. `uploads_total`). */
  metricValue: (name: string, labels?: Record<string, string>) => Promise<number>;
  /** Keys of every object and of every multipart upload still open in the bucket. */
  bucketContents: () => Promise<{ objects: string[]; multipart: string[] }>;
  stop: () => Promise<void>;
}

/**
 * The resumable path end to end on moto (ListParts, AbortMultipartUpload): Postgres, the dev
 * IdP, Redis, two upload service processes behind a switchable TCP proxy, the worker process
 * (sweeping every second) and the real edge, reached through a second TCP proxy.
 */
export async function startResumableStack(options: { env?: Record<string, string>; s3ViaProxy?: boolean } = {}): Promise<ResumableStack> {
  const stack = await startTestStack();
  const moto = await startMotoServer().catch(async (err: unknown) => {
    await stack.stop();
    throw err;
  });
  stack.onStop(() => moto.close());
  try {
    // Optionally behind a TCP proxy, so a test can take S3 away from the services (an outage).
    const s3Path = options.s3ViaProxy ? await startTcpProxy('127.0.0.1', Number(new URL(moto.endpoint).port)) : undefined;
    if (s3Path) stack.onStop(() => s3Path.close());
    const bucket = `resumable-${stack.unique}`;
    const env = {
      DATABASE_URL: stack.db.url,
      REDIS_URL: stack.redisUrl,
      ...keycloakEnvFor(stack.idp),
      S3_ENDPOINT: s3Path ? s3Path.via(moto.endpoint).replace(/\/$/, '') : moto.endpoint,
      S3_BUCKET: bucket,
      UPLOAD_QUEUE_NAME: `upload-test-${stack.unique}`,
      UPLOAD_QUEUE_PREFIX: `bull-test-${stack.unique}`,
      UPLOAD_SLOT_PREFIX: `upload-slots-test:${stack.unique}:`,
      UPLOAD_RESUMABLE_PREFIX: `tus-test:${stack.unique}:`,
      UPLOAD_JOB_BACKOFF_MS: '100',
      UPLOAD_SWEEP_INTERVAL_MS: '1000',
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    const metricsPorts = [await freePort(), await freePort()];
    const replica = (metricsPort: number) => startServiceProcess('upload', { ...env, UPLOAD_METRICS_PORT: String(metricsPort) });
    const replicas = [await replica(metricsPorts[0]!), await replica(metricsPorts[1]!)] as [ServiceProcess, ServiceProcess];
    const worker = await startServiceProcess('upload-worker', env);
    stack.onStop(() => Promise.all([...replicas.map((replica) => replica.stop()), worker.stop()]));
    const front = await startTcpProxy('127.0.0.1', replicas[0].port);
    stack.onStop(() => front.close());
    const edge = await stack.startEdge({
      LOG_LEVEL: 'warn',
      UPLOAD_SERVICE_URL: front.via(replicas[0].url).replace(/\/$/, ''),
      USER_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
      RATE_LIMIT_MAX: '10000',
    });
    const client = await startTcpProxy('127.0.0.1', edge.port);
    stack.onStop(() => client.close());
    const [free, premium] = await Promise.all([stack.tokenFor('free@example.com'), stack.tokenFor('premium@example.com')]);
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    stack.onStop(() => s3.destroy());
    return {
      stack,
      moto,
      bucket,
      replicas,
      front,
      ...(s3Path ? { s3Path } : {}),
      client,
      edgeUrl: client.via(edge.url).replace(/\/$/, ''),
      tokens: { free, premium },
      metricValue: async (name, labels) => {
        const texts = await Promise.all(metricsPorts.map(async (port) => (await fetch(`http://127.0.0.1:${port}/metrics`)).text()));
        return texts.reduce((sum, text) => sum + sampleValue(parseExposition(text), name, labels), 0);
      },
      bucketContents: async () => {
        const objects = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        const multipart = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
        return { objects: (objects.Contents ?? []).map((item) => item.Key!), multipart: (multipart.Uploads ?? []).map((item) => item.Key!) };
      },
      stop: stack.stop,
    };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}

export interface TusRun {
  /** The upload id: the last segment of its Location. */
  id: string;
  /** Upload-Offset of every PATCH sent, in order. */
  patchOffsets: number[];
  heads: number;
  retries: number;
}

/**
 * tus-js-client (the protocol's reference client) uploading `file` through the edge in `chunkSize`
 * chunks, retrying like a browser would; `onPatch` hears of each PATCH as it starts (to cut something mid-PATCH).
 */
export function tusUpload(stack: ResumableStack, token: string, file: Buffer, options: Partial<UploadOptions> & { onPatch?: (offset: number) => void } = {}): Promise<TusRun> {
  const { onPatch, ...tusOptions } = options;
  const run: TusRun = { id: '', patchOffsets: [], heads: 0, retries: 0 };
  return new Promise((resolve, reject) => {
    const upload = new Upload(file, {
      endpoint: `${stack.edgeUrl}${RESUMABLE}`,
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 250, 500, 1000, 2000, 3000, 5000, 5000, 5000, 5000, 5000, 5000],
      headers: { authorization: `Bearer ${token}` },
      metadata: { filename: 'big.bin' },
      storeFingerprintForResuming: false,
      onBeforeRequest: (req) => {
        if (req.getMethod() === 'PATCH') {
          const offset = Number(req.getHeader('Upload-Offset'));
          run.patchOffsets.push(offset);
          onPatch?.(offset);
        }
        if (req.getMethod() === 'HEAD') run.heads += 1;
      },
      onShouldRetry: () => {
        run.retries += 1;
        return true;
      },
      onError: reject,
      onSuccess: () => {
        run.id = upload.url!.split('/').pop()!;
        resolve(run);
      },
      ...tusOptions,
    });
    upload.start();
  });
}
