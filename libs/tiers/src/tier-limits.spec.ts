import { limitsFor, TIER_LIMITS } from './tier-limits';

describe('tier limits', () => {
  it('lets FREE send one file of at most 15 MB with ads and the normal queue', () => {
    expect(limitsFor('FREE')).toEqual({
      maxFileSizeBytes: 15 * 1024 * 1024,
      maxFilesPerRequest: 1,
      batchUploads: false,
      ads: true,
      queuePriority: 'normal',
    });
  });

  it('gives PREMIUM 200 MB per file, batches, no ads and the priority queue', () => {
    expect(TIER_LIMITS.PREMIUM.maxFileSizeBytes).toBe(200 * 1024 * 1024);
    expect(TIER_LIMITS.PREMIUM.maxFilesPerRequest).toBeGreaterThan(1);
    expect(TIER_LIMITS.PREMIUM.batchUploads).toBe(true);
    expect(TIER_LIMITS.PREMIUM.ads).toBe(false);
    expect(TIER_LIMITS.PREMIUM.queuePriority).toBe('priority');
  });
});
