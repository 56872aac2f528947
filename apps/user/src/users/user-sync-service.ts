import type { Identity } from '@tp/auth';
import { withDatabase, type UserRow } from '@tp/db';
import type { UserFields, UserStore } from './user-store';

function fieldsFrom(identity: Identity): UserFields {
  return { email: identity.email, username: identity.username, tier: identity.tier };
}

function differs(row: UserRow, fields: UserFields): boolean {
  return row.email !== fields.email || row.username !== fields.username || row.tier !== fields.tier;
}

/**
 * Lazy user sync: the first authenticated request creates the user, later ones cost a
 * single indexed read and write only when the token's email, username or tier changed.
 */
export class UserSyncService {
  constructor(
    private readonly store: UserStore,
    private readonly clock: () => Date,
  ) {}

  sync(identity: Identity): Promise<UserRow> {
    return withDatabase(async () => {
      const fields = fieldsFrom(identity);
      const existing = await this.store.findByKeycloakId(identity.userId);
      if (existing && !differs(existing, fields)) return existing;
      if (existing) return (await this.store.update(existing.id, fields, this.clock())) ?? existing;
      const inserted = await this.store.insertIfAbsent(identity.userId, fields);
      if (inserted) return inserted;
      // Lost a race with a concurrent first request: the row exists now.
      const winner = await this.store.findByKeycloakId(identity.userId);
      if (!winner) throw new Error('User row vanished during sync');
      return differs(winner, fields) ? ((await this.store.update(winner.id, fields, this.clock())) ?? winner) : winner;
    });
  }
}
