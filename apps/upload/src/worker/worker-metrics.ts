import type { Job, Queue, Worker } from 'bullmq';
import { Gauge, Histogram, type Registry } from '@tp/metrics';
import type { ProcessingJob } from '../queue/processing-queue';

// Every job carries a priority, so waiting jobs sit in `prioritized` (BullMQ 5+), not `waiting`.
const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref());
}

/**
 * `upload_queue_jobs{state}`, read from Redis on each scrape (so every worker replica reports
 * the same shared depth), and `upload_job_duration_seconds{outcome}` for each processing attempt.
 */
export function observeUploadWorker(worker: Worker<ProcessingJob>, queue: Queue<ProcessingJob>, registry: Registry): void {
  new Gauge({
    name: 'upload_queue_jobs',
    help: 'Jobs in the upload processing queue by state, read from Redis at scrape time',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await Promise.race([queue.getJobCounts(...STATES), timeout(2000)]);
        for (const state of STATES) this.set({ state }, counts[state] ?? 0);
      } catch {
        // Redis unreachable: keep the scrape working; the health check reports the outage.
        this.reset();
      }
    },
  });
  const durations = new Histogram({
    name: 'upload_job_duration_seconds',
    help: 'Upload processing job duration by outcome (completed, failed)',
    labelNames: ['outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const observe = (job: Job<ProcessingJob> | undefined, outcome: 'completed' | 'failed') => {
    if (!job?.processedOn) return;
    durations.observe({ outcome }, ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
  };
  worker.on('completed', (job) => observe(job, 'completed'));
  worker.on('failed', (job) => observe(job, 'failed'));
}
