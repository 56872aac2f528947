import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { queueTelemetry } from '@tp/telemetry';
import type { UploaderTier } from '../uploads/uploader-tier';

export interface ProcessingJob {
  uploadId: string;
  /** The upload request's id: the worker's log lines about this job carry it. */
  requestId?: string;
}

export interface QueueSettings {
  name: string;
  prefix: string;
  attempts: number;
  backoffMs: number;
}

// BullMQ: a lower number runs first; jobs without a priority would jump every prioritised one.
export const JOB_PRIORITY: Readonly<Record<UploaderTier, number>> = { PREMIUM: 1, FREE: 10, ANONYMOUS: 20 };

/** Producer side of the processing queue: one job per stored file, PREMIUM first under a backlog. */
export class ProcessingQueue {
  readonly queue: Queue<ProcessingJob>;

  constructor(
    private readonly redis: Redis,
    private readonly settings: QueueSettings,
  ) {
    this.queue = new Queue<ProcessingJob>(settings.name, { connection: redis, prefix: settings.prefix, telemetry: queueTelemetry() });
    // Errors surface on the add() calls; an idle reconnect must not crash the process.
    this.queue.on('error', () => undefined);
  }

  async enqueue(uploadId: string, tier: UploaderTier, requestId?: string): Promise<void> {
    await this.queue.add(
      'process-upload',
      { uploadId, ...(requestId ? { requestId } : {}) },
      {
        jobId: uploadId,
        priority: JOB_PRIORITY[tier],
        attempts: this.settings.attempts,
        backoff: { type: 'exponential', delay: this.settings.backoffMs },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 5000 },
      },
    );
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
