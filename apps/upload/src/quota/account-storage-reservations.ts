import type { Request, Response } from 'express';
import type { Tier } from '@tp/tiers';
import type { UploadContext } from '../uploads/upload-context';
import type { AccountStorageQuota } from './account-storage-quota';
import type { Reservation } from './reservation-rows';

/**
 * The most the request's next file may hold: what its declared length leaves after the files
 * already stored (`storedBytes`), capped by the tier's file limit; the file limit when chunked.
 */
export function reservableBytes(req: Request, maxFileSizeBytes: number, storedBytes = 0): number {
  const declared = Number(req.headers['content-length']);
  return Number.isFinite(declared) && declared > 0 ? Math.max(0, Math.min(declared - storedBytes, maxFileSizeBytes)) : maxFileSizeBytes;
}

/**
 * Signed-in uploads: the first file's storage is reserved before a byte of the body is read
 * (429 past a limit), and each further file of a batch before its own bytes are read. Whatever
 * ends the request, a reservation no stored file filled stops counting.
 */
export async function reserveAccountStorage(quota: AccountStorageQuota, req: Request, res: Response, context: UploadContext): Promise<void> {
  const { userId } = context;
  if (!userId || context.tier === 'ANONYMOUS') return;
  const tier: Tier = context.tier;
  const reserve = async (): Promise<Reservation> => {
    const bytes = reservableBytes(req, context.maxFileSizeBytes, context.storedBytes);
    const reservation = await quota.reserve({ userId, tier, bytes });
    res.once('close', () => {
      quota.release(reservation).catch((err: unknown) => req.log.warn({ err }, 'Could not release an upload reservation'));
    });
    return reservation;
  };
  context.reservation = await reserve();
  context.reserveNext = reserve;
}
