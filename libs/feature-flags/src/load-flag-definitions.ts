import { featureFlags, type Db, type FeatureFlagRow } from '@tp/db';
import type { FlagDefinition } from './flag-types';

export function toFlagDefinition(row: FeatureFlagRow): FlagDefinition {
  return {
    key: row.key,
    description: row.description,
    enabled: row.enabled,
    rolloutPercentage: row.rolloutPercentage,
    tiers: row.tiers,
    allowUserIds: row.allowUserIds,
    denyUserIds: row.denyUserIds,
  };
}

/** The whole feature_flags table: it holds tens of rows, so every service caches all of it. */
export async function loadFlagDefinitions(db: Db): Promise<FlagDefinition[]> {
  const rows = await db.select().from(featureFlags);
  return rows.map(toFlagDefinition);
}
