/** The one table of what each tier may do. The user service shows it; the upload service enforces it. */
export const TIERS = ['FREE', 'PREMIUM'] as const;
export type Tier = (typeof TIERS)[number];

export type QueuePriority = 'normal' | 'priority';

export interface TierLimits {
  maxFileSizeBytes: number;
  maxFilesPerRequest: number;
  batchUploads: boolean;
  /** UPLOAD_MAX_CONCURRENT: uploads one account may have in flight at once (anonymous clients get FREE's). */
  maxConcurrentUploads: number;
  /** Whether this tier sees ads at all; the FEATURE_ADS_ENABLED kill switch can still turn them off. */
  ads: boolean;
  queuePriority: QueuePriority;
}

const MB = 1024 * 1024;

export const TIER_LIMITS: Readonly<Record<Tier, Readonly<TierLimits>>> = {
  FREE: { maxFileSizeBytes: 15 * MB, maxFilesPerRequest: 1, batchUploads: false, maxConcurrentUploads: 2, ads: true, queuePriority: 'normal' },
  PREMIUM: {
    maxFileSizeBytes: 200 * MB,
    maxFilesPerRequest: 20,
    batchUploads: true,
    maxConcurrentUploads: 4,
    ads: false,
    queuePriority: 'priority',
  },
};

/** Where a FREE user is sent when a limit stops them. */
export const UPGRADE_URL = '/pricing';

export function limitsFor(tier: Tier): Readonly<TierLimits> {
  return TIER_LIMITS[tier];
}
