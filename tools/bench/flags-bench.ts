// Local flag evaluation speed: every flag for one user, as a service does per request.
// Usage: npm run bench:flags
import { evaluateAll, type FlagDefinition, type KillSwitches } from '@tp/feature-flags';

const FLAG_COUNT = 50;
const DURATION_MS = 2000;

function definitions(): Map<string, FlagDefinition> {
  const flags = new Map<string, FlagDefinition>();
  for (let i = 0; i < FLAG_COUNT; i += 1) {
    const key = `flag-${String(i).padStart(2, '0')}`;
    // A realistic mix: percentage rollouts, tier targeting, allow/deny lists, disabled flags.
    flags.set(key, {
      key,
      description: '',
      enabled: i % 10 !== 0,
      rolloutPercentage: i % 3 === 0 ? 25 : 100,
      tiers: i % 4 === 0 ? ['PREMIUM'] : [],
      allowUserIds: i % 5 === 0 ? ['someone-else'] : [],
      denyUserIds: i % 7 === 0 ? ['blocked-user'] : [],
    });
  }
  return flags;
}

const flags = definitions();
const killSwitches: KillSwitches = { ads: true, payments: true, 'premium-tools': true, registration: false };
const users = Array.from({ length: 1000 }, (_, i) => ({ userId: `5f0c2a9e-${String(i).padStart(4, '0')}-4b1d-9c3e-6a7b8c9d0e1f`, tier: 'FREE' as const }));

// Warm up the JIT before measuring.
for (let i = 0; i < 20_000; i += 1) evaluateAll(flags, killSwitches, users[i % users.length]!);

let calls = 0;
let sink = 0;
const started = process.hrtime.bigint();
let elapsedMs = 0;
while (elapsedMs < DURATION_MS) {
  for (let i = 0; i < 1000; i += 1) sink += evaluateAll(flags, killSwitches, users[calls++ % users.length]!).length;
  elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
}
const perSecond = (calls / elapsedMs) * 1000;
const flagCount = sink / calls;
console.log(`flags per evaluation: ${flagCount} (${FLAG_COUNT} DB flags + ${flagCount - FLAG_COUNT} env-backed keys)`);
console.log(`all-flags evaluations/s (one user, every flag): ${Math.round(perSecond).toLocaleString('en-US')}`);
console.log(`single-flag evaluations/s:                      ${Math.round(perSecond * flagCount).toLocaleString('en-US')}`);
console.log(`target ≥ 100,000 all-flags evaluations/s: ${perSecond >= 100_000 ? 'met' : 'NOT met'}`);
