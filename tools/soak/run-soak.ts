// `npm run soak`: the whole product from its production bundles under an operator's mix of
// traffic from many accounts for SOAK_MINUTES, every process's post-GC heap and RSS sampled through
// its inspector; fails on a heap that keeps growing, any 5xx, an upload not ready or a wrong tier.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { z } from 'zod';
import { loadConfig } from '@tp/config';
import { driveTraffic } from './drive-traffic';
import { startMemorySampler } from './memory-sampler';
import { SoakAccount } from './soak-account';
import { formatSoakReport, judgeSoak } from './soak-report';
import { startSoakStack, type SoakStack } from './soak-stack';

const number = (fallback: number) => z.coerce.number().positive().default(fallback);
const settings = loadConfig(
  z.object({
    SOAK_MINUTES: number(10),
    SOAK_RATE: number(40),
    SOAK_ACCOUNTS: z.coerce.number().int().min(1).max(250).default(50),
    SOAK_SAMPLE_SECONDS: number(30),
    SOAK_WARMUP_MINUTES: z.coerce.number().min(0).default(2),
    // See docs/soak.md: 10 MiB/h is ~70 bytes a request kept at 40 req/s; one kept request object is kilobytes.
    SOAK_HEAP_SLOPE_MIB_PER_HOUR: number(10),
    SOAK_SEED: z.coerce.number().int().default(() => Math.floor(Math.random() * 2 ** 31)),
    SOAK_SKIP_BUILD: z.enum(['0', '1']).default('0'),
    /** A folder: heap snapshots at the end of warm-up and at the end, to compare (heap-snapshot-diff.ts). */
    SOAK_HEAP_SNAPSHOTS: z.string().optional(),
    /** Which processes SOAK_HEAP_SNAPSHOTS snapshots (comma list). */
    SOAK_SNAPSHOT_PROCESSES: z.string().default('edge'),
  }),
);

const ROOT = join(__dirname, '..', '..');
const say = (line: string) => process.stdout.write(`${line}\n`);

async function uploadStatuses(databaseUrl: string, ids: string[]): Promise<Record<string, number>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ status: string; count: string }>('SELECT status, count(*) FROM uploads WHERE id = ANY($1::uuid[]) GROUP BY status', [ids]);
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
  } finally {
    await client.end();
  }
}

/** Waits up to a minute for the worker to finish every accepted upload. */
async function settledUploads(databaseUrl: string, ids: string[]): Promise<Record<string, number>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const byStatus = await uploadStatuses(databaseUrl, ids);
    const settled = (byStatus['ready'] ?? 0) + (byStatus['failed'] ?? 0);
    if (settled === ids.length || Date.now() > deadline) return byStatus;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function tierMismatches(accounts: SoakAccount[]): Promise<string[]> {
  const mismatches: string[] = [];
  for (const account of accounts) {
    const answer = await account.send('GET', '/api/v1/user/profile', { authorization: await account.bearer() });
    const tier = answer.status === 200 ? (JSON.parse(answer.body) as { tier: string }).tier : `HTTP ${answer.status}`;
    if (tier !== account.expectedTier) mismatches.push(`${account.email} is ${tier}, newest webhook says ${account.expectedTier}`);
  }
  return mismatches;
}

/** A snapshot pauses its process for a second or more: runs that take them measure latency badly. */
async function snapshotProcesses(stack: SoakStack, label: string): Promise<void> {
  if (!settings.SOAK_HEAP_SNAPSHOTS) return;
  mkdirSync(settings.SOAK_HEAP_SNAPSHOTS, { recursive: true });
  const names = settings.SOAK_SNAPSHOT_PROCESSES.split(',');
  for (const entry of stack.processes.filter((candidate) => names.includes(candidate.name))) {
    const file = join(settings.SOAK_HEAP_SNAPSHOTS, `${entry.name}-${label}.heapsnapshot`);
    await entry.inspector.writeHeapSnapshot(file);
    say(`   heap snapshot: ${file}`);
  }
}

async function soak(stack: SoakStack): Promise<boolean> {
  const accounts = Array.from({ length: settings.SOAK_ACCOUNTS }, (_, index) => new SoakAccount(index, stack.edgeUrl, stack.idp));
  for (const account of accounts) {
    const answer = await account.send('GET', '/api/v1/user/profile', { authorization: await account.bearer() });
    if (answer.status !== 200) throw new Error(`${account.email}: profile answered ${answer.status} ${answer.body}`);
    account.userId = (JSON.parse(answer.body) as { id: string }).id;
  }
  say(`${accounts.length} accounts signed in; ${settings.SOAK_MINUTES} min at ${settings.SOAK_RATE} req/s, seed ${settings.SOAK_SEED}`);
  const startedAt = performance.now();
  const sampler = startMemorySampler(stack.processes, settings.SOAK_SAMPLE_SECONDS * 1000, startedAt);
  const warmUpSnapshot = setTimeout(() => void snapshotProcesses(stack, 'after-warm-up'), settings.SOAK_WARMUP_MINUTES * 60_000);
  const progress = setInterval(() => say(`   … ${((performance.now() - startedAt) / 60_000).toFixed(1)} min`), 60_000);
  const context = { webhookSecret: stack.webhookSecret, premiumPriceId: stack.premiumPriceId, uploadIds: [] as string[] };
  const traffic = await driveTraffic(accounts, context, { rate: settings.SOAK_RATE, durationMs: settings.SOAK_MINUTES * 60_000, seed: settings.SOAK_SEED });
  clearInterval(progress);
  clearTimeout(warmUpSnapshot);
  const samples = await sampler.stop();
  await snapshotProcesses(stack, 'end');
  const input = {
    samples,
    traffic,
    uploads: { accepted: context.uploadIds.length, byStatus: await settledUploads(stack.databaseUrl, context.uploadIds) },
    tierMismatches: await tierMismatches(accounts),
    exited: stack.processes.filter((entry) => entry.exitCode() !== null).map((entry) => `${entry.name} (${entry.exitCode()}): ${entry.log().slice(-300)}`),
    warmUpMinutes: settings.SOAK_WARMUP_MINUTES,
    heapSlopeLimit: settings.SOAK_HEAP_SLOPE_MIB_PER_HOUR,
  };
  accounts.forEach((account) => account.close());
  const verdict = judgeSoak(input);
  // The figures are written before the report is formatted: hours of samples are never lost to a report bug.
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench-results', 'soak.json'),
    JSON.stringify({ node: process.version, settings, samples: Object.fromEntries(samples), trends: Object.fromEntries(verdict.trends), failures: verdict.failures }, null, 2),
  );
  say(formatSoakReport(input, verdict));
  return verdict.failures.length === 0;
}

async function main(): Promise<void> {
  const stack = await startSoakStack(settings.SOAK_ACCOUNTS, {}, say, settings.SOAK_SKIP_BUILD === '0');
  let passed = false;
  try {
    passed = await soak(stack);
  } finally {
    await stack.stop();
  }
  process.exit(passed ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`soak failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
