import { limitsFor, TIER_LIMITS } from './tier-limits';
import { largestUploadRequestBytes, maxUploadRequestBytes } from './upload-request-size';

describe('tier limits', () => {
  it('lets FREE send one file of at most 15 MB, two uploads at a time, with ads and the normal queue', () => {
    expect(limitsFor('FREE')).toEqual({
      maxFileSizeBytes: 15 * 1024 * 1024,
      maxFilesPerRequest: 1,
      batchUploads: false,
      maxConcurrentUploads: 2,
      ads: true,
      queuePriority: 'normal',
    });
  });

  it('gives PREMIUM 200 MB per file, batches, four uploads at a time, no ads and the priority queue', () => {
    expect(TIER_LIMITS.PREMIUM.maxFileSizeBytes).toBe(200 * 1024 * 1024);
    expect(TIER_LIMITS.PREMIUM.maxFilesPerRequest).toBeGreaterThan(1);
    expect(TIER_LIMITS.PREMIUM.batchUploads).toBe(true);
    expect(TIER_LIMITS.PREMIUM.maxConcurrentUploads).toBe(4);
    expect(TIER_LIMITS.PREMIUM.ads).toBe(false);
    expect(TIER_LIMITS.PREMIUM.queuePriority).toBe('priority');
  });

  it('sizes the largest upload request from the tier that may send the most (a full PREMIUM batch plus framing)', () => {
    const premium = maxUploadRequestBytes(TIER_LIMITS.PREMIUM);
    expect(premium).toBeGreaterThan(20 * 200 * 1024 * 1024);
    expect(premium).toBeGreaterThan(maxUploadRequestBytes(TIER_LIMITS.FREE));
    expect(largestUploadRequestBytes()).toBe(premium);
  });
});
