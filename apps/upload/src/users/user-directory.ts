import { eq } from 'drizzle-orm';
import type { Identity } from '@tp/auth';
import { users, withDatabase, type Db } from '@tp/db';

/**
 * Maps a verified identity to our users.id (uploads reference it). Creates the row on a
 * first call like the user service's lazy sync; profile updates stay that service's job.
 */
export class UserDirectory {
  constructor(private readonly db: Db) {}

  idFor(identity: Identity): Promise<string> {
    return withDatabase(async () => {
      const inserted = await this.db
        .insert(users)
        .values({ keycloakId: identity.userId, email: identity.email, username: identity.username, tier: identity.tier })
        .onConflictDoNothing({ target: users.keycloakId })
        .returning({ id: users.id });
      if (inserted[0]) return inserted[0].id;
      const existing = await this.db.select({ id: users.id }).from(users).where(eq(users.keycloakId, identity.userId)).limit(1);
      if (!existing[0]) throw new Error('User row vanished during lookup');
      return existing[0].id;
    });
  }
}
