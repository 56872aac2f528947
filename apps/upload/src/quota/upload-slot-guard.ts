import type { Request, Response } from 'express';
import { ServiceUnavailableError, TooManyRequestsError } from '@tp/errors';
import type { UploadContext } from '../uploads/upload-context';
import { refusal } from '../uploads/upload-outcome';
import type { UploadSlots } from './upload-slots';

/** Slots free when uploads end, which nobody can predict: a short, fixed wait. */
export const SLOT_RETRY_AFTER_SECONDS = 5;

/**
 * Takes one of the caller's upload slots before a byte of the body is read (429 with Retry-After
 * when all are in use) and gives it back when the response closes, whatever ends the request:
 * stored, refused, cut for being too slow, or the client gone. Redis down: 503, nothing read.
 */
export async function holdUploadSlot(slots: UploadSlots, req: Request, res: Response, context: UploadContext): Promise<void> {
  const max = context.maxConcurrent;
  const held = await slots.acquire(context.slotOwner, max).catch((err: unknown) => {
    throw refusal('unavailable', new ServiceUnavailableError('Uploads are unavailable, retry shortly', { cause: err, headers: { 'Retry-After': '1' } }));
  });
  if (!held) {
    const who = context.tier === 'ANONYMOUS' ? 'Anonymous clients' : `${context.tier} accounts`;
    throw refusal(
      'over_quota',
      new TooManyRequestsError(`${who} may have ${max} uploads in flight at once: wait for one to finish`, {
        headers: { 'Retry-After': String(SLOT_RETRY_AFTER_SECONDS) },
        details: { quota: 'concurrent', limit: max, retryAfterSeconds: SLOT_RETRY_AFTER_SECONDS },
      }),
    );
  }
  const release = () => held.release().catch((err: unknown) => req.log.warn({ err }, 'Could not release an upload slot'));
  // The client may have gone while the slot was taken: then no 'close' is coming.
  if (res.closed || req.destroyed) void release();
  else res.once('close', () => void release());
}
