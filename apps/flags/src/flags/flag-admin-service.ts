import type { Redis } from 'ioredis';
import { withDatabase, type FeatureFlagRow } from '@tp/db';
import { ConflictError, NotFoundError } from '@tp/errors';
import { publishFlagChange, type FeatureFlagClient } from '@tp/feature-flags';
import type { Logger } from '@tp/logging';
import type { CreateFlagInput, UpdateFlagInput } from './flag-schemas';
import type { FlagChanges, FlagStore } from './flag-store';

export interface FlagAdminDeps {
  store: FlagStore;
  flags: FeatureFlagClient;
  publisher: Redis;
  channel: string;
  logger: Logger;
  clock: () => Date;
}

function changesFrom(input: UpdateFlagInput): FlagChanges {
  const changes: FlagChanges = {};
  if (input.description !== undefined) changes.description = input.description;
  if (input.enabled !== undefined) changes.enabled = input.enabled;
  if (input.rolloutPercentage !== undefined) changes.rolloutPercentage = input.rolloutPercentage;
  if (input.tiers !== undefined) changes.tiers = input.tiers;
  if (input.userIds?.allow !== undefined) changes.allowUserIds = input.userIds.allow;
  if (input.userIds?.deny !== undefined) changes.denyUserIds = input.userIds.deny;
  return changes;
}

/** Admin writes to feature_flags; each one is announced so every service reloads at once. */
export class FlagAdminService {
  constructor(private readonly deps: FlagAdminDeps) {}

  async create(input: CreateFlagInput, adminId: string): Promise<FeatureFlagRow> {
    const { userIds, ...rest } = input;
    const row = await withDatabase(() =>
      this.deps.store.insert({ ...rest, allowUserIds: userIds.allow ?? [], denyUserIds: userIds.deny ?? [], updatedBy: adminId }),
    );
    if (!row) throw new ConflictError(`Flag '${input.key}' already exists`);
    await this.announce(row.key);
    return row;
  }

  async update(key: string, input: UpdateFlagInput, adminId: string): Promise<FeatureFlagRow> {
    const changes = { ...changesFrom(input), updatedAt: this.deps.clock(), updatedBy: adminId };
    const row = await withDatabase(() => this.deps.store.update(key, changes));
    if (!row) throw new NotFoundError(`Flag '${key}' does not exist`);
    await this.announce(key);
    return row;
  }

  async delete(key: string): Promise<void> {
    if (!(await withDatabase(() => this.deps.store.delete(key)))) throw new NotFoundError(`Flag '${key}' does not exist`);
    await this.announce(key);
  }

  /** The write is committed: a failed publish must not fail it (other caches expire by TTL). */
  private async announce(key: string): Promise<void> {
    this.deps.flags.invalidate();
    try {
      await publishFlagChange(this.deps.publisher, this.deps.channel, key);
    } catch (err) {
      this.deps.logger.warn({ err, key }, 'Could not publish flag change; other services will see it after their cache TTL');
    }
  }
}
