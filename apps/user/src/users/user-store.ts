import { eq } from 'drizzle-orm';
import { users, type Db, type UserRow } from '@tp/db';
import type { Tier } from '@tp/tiers';

export interface UserFields {
  email: string | null;
  username: string | null;
  tier: Tier;
}

/** Data access for the users table; nothing here knows about HTTP. */
export class UserStore {
  constructor(private readonly db: Db) {}

  async findByKeycloakId(keycloakId: string): Promise<UserRow | undefined> {
    const rows = await this.db.select().from(users).where(eq(users.keycloakId, keycloakId)).limit(1);
    return rows[0];
  }

  /** Inserts unless a concurrent request already did; never fails on the unique key. */
  async insertIfAbsent(keycloakId: string, fields: UserFields): Promise<UserRow | undefined> {
    const rows = await this.db
      .insert(users)
      .values({ keycloakId, ...fields })
      .onConflictDoNothing({ target: users.keycloakId })
      .returning();
    return rows[0];
  }

  async update(id: string, fields: UserFields, now: Date): Promise<UserRow | undefined> {
    const rows = await this.db
      .update(users)
      .set({ ...fields, updatedAt: now })
      .where(eq(users.id, id))
      .returning();
    return rows[0];
  }
}
