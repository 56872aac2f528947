import { loadConfig } from '@tp/config';
import { z } from 'zod';
import { storageEnv, storageSettings } from './storage-env';
import { STORAGE_DEFAULTS } from './storage-limits';
import { exceededQuota, storageStanding } from './storage-standing';

const GB = 1024 ** 3;
const HOUR = 3_600_000;
const settingsFrom = (env: Record<string, string>) => storageSettings(loadConfig(z.object(storageEnv), env));

describe('storage limits by tier', () => {
  it('lets FREE hold 1 GB, upload 200 files / 3 GB per 24 h, and keeps its uploads 24 h', () => {
    expect(settingsFrom({})).toEqual({
      windowMs: 24 * HOUR,
      tiers: {
        FREE: { storedBytes: 1 * GB, windowFiles: 200, windowBytes: 3 * GB, retentionMs: 24 * HOUR },
        PREMIUM: { storedBytes: 50 * GB, windowFiles: 2000, windowBytes: 100 * GB, retentionMs: 30 * 24 * HOUR },
      },
    });
    expect(settingsFrom({})).toEqual(STORAGE_DEFAULTS);
  });

  it('takes every number from its TIER_* variable, retention and window in (fractional) hours', () => {
    const settings = settingsFrom({
      TIER_QUOTA_WINDOW_HOURS: '0.5',
      TIER_FREE_STORED_BYTES: '10',
      TIER_FREE_WINDOW_FILES: '2',
      TIER_FREE_WINDOW_BYTES: '30',
      TIER_FREE_RETENTION_HOURS: '0.001',
      TIER_PREMIUM_STORED_BYTES: '100',
      TIER_PREMIUM_WINDOW_FILES: '20',
      TIER_PREMIUM_WINDOW_BYTES: '300',
      TIER_PREMIUM_RETENTION_HOURS: '2',
    });
    expect(settings).toEqual({
      windowMs: 30 * 60_000,
      tiers: {
        FREE: { storedBytes: 10, windowFiles: 2, windowBytes: 30, retentionMs: 3600 },
        PREMIUM: { storedBytes: 100, windowFiles: 20, windowBytes: 300, retentionMs: 2 * HOUR },
      },
    });
  });

  it('refuses a zero or negative limit', () => {
    expect(() => settingsFrom({ TIER_FREE_WINDOW_FILES: '0' })).toThrow(/TIER_FREE_WINDOW_FILES/);
    expect(() => settingsFrom({ TIER_PREMIUM_RETENTION_HOURS: '-1' })).toThrow(/TIER_PREMIUM_RETENTION_HOURS/);
  });
});

describe('storage standing and the quota an upload would pass', () => {
  const limits = { storedBytes: 1000, windowFiles: 3, windowBytes: 2500, retentionMs: HOUR };

  it('shows used and remaining for each quota, never a negative remainder', () => {
    expect(storageStanding(limits, { storedBytes: 1200, windowFiles: 2, windowBytes: 1500 })).toEqual({
      stored: { limit: 1000, used: 1200, remaining: 0 },
      files: { limit: 3, used: 2, remaining: 1 },
      bytes: { limit: 2500, used: 1500, remaining: 1000 },
    });
  });

  it('lets a file in while it takes no more than every quota has remaining', () => {
    expect(exceededQuota(limits, { storedBytes: 600, windowFiles: 2, windowBytes: 600 }, 400)).toBeUndefined();
  });

  it('names `stored` for the file that would pass the bytes held at once', () => {
    expect(exceededQuota(limits, { storedBytes: 600, windowFiles: 0, windowBytes: 600 }, 401)).toBe('stored');
  });

  it('names `files` for the file one past the window count', () => {
    expect(exceededQuota(limits, { storedBytes: 0, windowFiles: 3, windowBytes: 3 }, 1)).toBe('files');
  });

  it('names `bytes` when the window bytes would pass while storage has room (older files expired)', () => {
    expect(exceededQuota(limits, { storedBytes: 0, windowFiles: 1, windowBytes: 2400 }, 101)).toBe('bytes');
  });
});
