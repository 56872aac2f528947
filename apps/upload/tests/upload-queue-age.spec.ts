import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { createLogger } from '@tp/logging';
import { createServiceMetrics, parseExposition, sampleValue } from '@tp/metrics';
import { loadTestConfig } from '@tp/testing';
import { createQueueRedis } from '../src/queue/create-redis';
import { JOB_PRIORITY, type ProcessingJob } from '../src/queue/processing-queue';
import { observeUploadWorker } from '../src/worker/worker-metrics';

describe('upload_queue_oldest_job_age_seconds: how long the oldest waiting job has waited', () => {
  const logger = createLogger({ service: 'upload-worker', level: 'silent' });
  const redis = createQueueRedis(loadTestConfig().TEST_REDIS_URL, 'producer', logger);
  const prefix = `bull-age-test-${randomBytes(6).toString('hex')}`;
  const queue = new Queue<ProcessingJob>('age', { connection: redis, prefix });
  // Never runs: the jobs stay waiting, as under a backlog.
  const workerRedis = createQueueRedis(loadTestConfig().TEST_REDIS_URL, 'worker', logger);
  const worker = new Worker<ProcessingJob>('age', async () => undefined, { connection: workerRedis, prefix, autorun: false });
  const metrics = createServiceMetrics('upload-worker');
  observeUploadWorker(worker, queue, metrics.registry);
  const scrape = async () => parseExposition(await metrics.registry.metrics());
  const add = (id: string, secondsAgo: number, priority?: number) =>
    queue.add('process-upload', { uploadId: id }, { jobId: id, timestamp: Date.now() - secondsAgo * 1000, ...(priority ? { priority } : {}) });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await worker.close();
    await queue.close();
    await Promise.all([redis, workerRedis].map((connection) => connection.quit().catch(() => connection.disconnect())));
  });

  it('is 0 while nothing waits', async () => {
    expect(sampleValue(await scrape(), 'upload_queue_oldest_job_age_seconds')).toBe(0);
  });

  it('finds the oldest job behind newer ones of a higher priority', async () => {
    await add('premium', 10, JOB_PRIORITY.PREMIUM);
    await add('free-old', 120, JOB_PRIORITY.FREE);
    await add('free-new', 5, JOB_PRIORITY.FREE);
    await add('anonymous', 60, JOB_PRIORITY.ANONYMOUS);

    const samples = await scrape();
    expect(sampleValue(samples, 'upload_queue_oldest_job_age_seconds')).toBeGreaterThanOrEqual(120);
    expect(sampleValue(samples, 'upload_queue_oldest_job_age_seconds')).toBeLessThan(150);
    expect(sampleValue(samples, 'upload_queue_jobs', { state: 'prioritized' })).toBe(4);
  });

  it('counts a job without a priority (the plain wait list) too', async () => {
    await add('plain', 300);

    expect(sampleValue(await scrape(), 'upload_queue_oldest_job_age_seconds')).toBeGreaterThanOrEqual(300);
  });
});
