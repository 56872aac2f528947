import type { Job, Queue, Worker } from 'bullmq';
import { Gauge, Histogram, type Registry } from '@tp/metrics';
import { JOB_PRIORITY, type ProcessingJob } from '../queue/processing-queue';

// Every job carries a priority, so waiting jobs sit in `prioritized` (BullMQ 5+), not `waiting`.
const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref());
}

const PRIORITIES = [...new Set(Object.values(JOB_PRIORITY))].sort((a, b) => a - b);

/**
 * Seconds since the oldest job still waiting to be processed was added (0 when none waits).
 * Each priority band of BullMQ's prioritized set is first in, first out, so the oldest job is
 * the head of one band (or of the plain wait list): a few reads, never a scan of the backlog.
 */
export async function oldestWaitingJobAgeSeconds(queue: Queue<ProcessingJob>, now = Date.now()): Promise<number> {
  const counts = await queue.getCountsPerPriority(PRIORITIES);
  const heads: number[] = [];
  let offset = 0;
  for (const priority of PRIORITIES) {
    const count = counts[String(priority)] ?? 0;
    if (count > 0) heads.push(offset);
    offset += count;
  }
  const bands = await Promise.all(heads.map((index) => queue.getJobs(['prioritized'], index, index, true)));
  const jobs = [...bands.flat(), ...(await queue.getJobs(['waiting'], 0, 0, true))];
  if (jobs.length === 0) return 0;
  return Math.max(0, (now - Math.min(...jobs.map((job) => job.timestamp))) / 1000);
}

/**
 * `upload_queue_jobs{state}`, read from Redis on each scrape (so every worker replica reports
 * the same shared depth), `upload_queue_oldest_job_age_seconds` (likewise) and
 * `upload_job_duration_seconds{outcome}` for each processing attempt.
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
  new Gauge({
    name: 'upload_queue_oldest_job_age_seconds',
    help: 'Age of the oldest job waiting in the upload processing queue (0 when none waits), read from Redis at scrape time',
    registers: [registry],
    async collect() {
      try {
        this.set(await Promise.race([oldestWaitingJobAgeSeconds(queue), timeout(2000)]));
      } catch {
        // Redis unreachable: 0 (an unlabelled gauge's reset); health_check_up{check="queue"} alerts instead.
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
