import { murmur3 } from './murmur3';
import type { EvaluationContext, FlagDefinition, FlagEvaluation, KillSwitches } from './flag-types';

/** Buckets are 0..9999 so a percentage has two decimals of resolution (Unleash uses the same idea). */
const BUCKETS = 10_000;

/**
 * The caller's stable bucket for one flag. Hashing `flagKey:id` keeps buckets independent
 * across flags; a user stays in the same bucket forever, so raising the percentage only adds users.
 */
export function rolloutBucket(flagKey: string, id: string): number {
  return murmur3(`${flagKey}:${id}`) % BUCKETS;
}

function killSwitchFor(key: string, killSwitches: KillSwitches): boolean | undefined {
  return Object.hasOwn(killSwitches, key) ? killSwitches[key as keyof KillSwitches] : undefined;
}

/**
 * Evaluates one flag. Precedence, first match wins:
 *  1. kill switch: the env toggle is false, or the DB flag has enabled=false → off, DISABLED
 *     (an env-backed key with no DB flag is on, STATIC)
 *  2. user override: userId in deny_user_ids → off, then in allow_user_ids → on (TARGETING_MATCH)
 *  3. tier targeting: tiers non-empty and the caller's tier (none when anonymous) not listed → off, DEFAULT
 *  4. percentage rollout (< 100): bucket of userId, else anonymousId, below the percentage → on,
 *     otherwise off (SPLIT); with no id at all → off, DEFAULT
 *  5. default: on; TARGETING_MATCH when a tier rule matched, STATIC otherwise.
 * Returns undefined for a key that is neither env-backed nor in the database.
 */
export function evaluateFlag(
  key: string,
  flag: FlagDefinition | undefined,
  killSwitches: KillSwitches,
  context: EvaluationContext,
): FlagEvaluation | undefined {
  const killSwitch = killSwitchFor(key, killSwitches);
  if (killSwitch === false) return { key, enabled: false, reason: 'DISABLED' };
  if (!flag) return killSwitch === undefined ? undefined : { key, enabled: true, reason: 'STATIC' };
  if (!flag.enabled) return { key, enabled: false, reason: 'DISABLED' };
  const { userId } = context;
  if (userId !== undefined) {
    if (flag.denyUserIds.includes(userId)) return { key, enabled: false, reason: 'TARGETING_MATCH' };
    if (flag.allowUserIds.includes(userId)) return { key, enabled: true, reason: 'TARGETING_MATCH' };
  }
  const tierTargeted = flag.tiers.length > 0;
  if (tierTargeted && (context.tier === undefined || !flag.tiers.includes(context.tier))) {
    return { key, enabled: false, reason: 'DEFAULT' };
  }
  if (flag.rolloutPercentage < 100) {
    const id = userId ?? context.anonymousId;
    if (id === undefined) return { key, enabled: false, reason: 'DEFAULT' };
    return { key, enabled: rolloutBucket(key, id) < flag.rolloutPercentage * 100, reason: 'SPLIT' };
  }
  return { key, enabled: true, reason: tierTargeted ? 'TARGETING_MATCH' : 'STATIC' };
}

/** Sorted keys per loaded flag map: computed once per cache load, not per request. */
const sortedKeys = new WeakMap<ReadonlyMap<string, FlagDefinition>, { killSwitches: KillSwitches; keys: string[] }>();

function keysOf(flags: ReadonlyMap<string, FlagDefinition>, killSwitches: KillSwitches): string[] {
  const cached = sortedKeys.get(flags);
  if (cached?.killSwitches === killSwitches) return cached.keys;
  const keys = [...new Set<string>([...Object.keys(killSwitches), ...flags.keys()])].sort();
  sortedKeys.set(flags, { killSwitches, keys });
  return keys;
}

/** Every known flag (env-backed keys and DB flags), sorted by key. */
export function evaluateAll(
  flags: ReadonlyMap<string, FlagDefinition>,
  killSwitches: KillSwitches,
  context: EvaluationContext,
): FlagEvaluation[] {
  const results: FlagEvaluation[] = [];
  for (const key of keysOf(flags, killSwitches)) {
    const result = evaluateFlag(key, flags.get(key), killSwitches, context);
    if (result) results.push(result);
  }
  return results;
}
