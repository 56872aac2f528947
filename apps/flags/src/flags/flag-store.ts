import { eq } from 'drizzle-orm';
import { featureFlags, type Db, type FeatureFlagRow, type NewFeatureFlagRow } from '@tp/db';

export type FlagChanges = Partial<Omit<NewFeatureFlagRow, 'key' | 'createdAt'>>;

/** Data access for feature_flags writes; reads for evaluation go through FeatureFlagClient. */
export class FlagStore {
  constructor(private readonly db: Db) {}

  /** undefined when the key already exists. */
  async insert(row: NewFeatureFlagRow): Promise<FeatureFlagRow | undefined> {
    const rows = await this.db.insert(featureFlags).values(row).onConflictDoNothing({ target: featureFlags.key }).returning();
    return rows[0];
  }

  async update(key: string, changes: FlagChanges): Promise<FeatureFlagRow | undefined> {
    const rows = await this.db.update(featureFlags).set(changes).where(eq(featureFlags.key, key)).returning();
    return rows[0];
  }

  async delete(key: string): Promise<boolean> {
    const rows = await this.db.delete(featureFlags).where(eq(featureFlags.key, key)).returning({ key: featureFlags.key });
    return rows.length > 0;
  }
}
