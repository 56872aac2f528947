import type { TrafficOutcome } from './drive-traffic';
import { memoryTrend, type MemorySample, type MemoryTrend } from './memory-trend';

export interface SoakVerdictInput {
  samples: Map<string, MemorySample[]>;
  traffic: TrafficOutcome;
  uploads: { accepted: number; byStatus: Record<string, number> };
  tierMismatches: string[];
  /** Processes that died during the soak, with their exit code or signal. */
  exited: string[];
  warmUpMinutes: number;
  heapSlopeLimit: number;
}

export interface SoakVerdict {
  trends: Map<string, MemoryTrend>;
  failures: string[];
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

/** `sorted` ascending; a soak of hours holds ~10^5–10^6 latencies, so nothing spreads them into a call. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** What failed: a post-GC heap slope over the limit, any 5xx or failed connection, an upload not ready, a wrong tier. */
export function judgeSoak(input: SoakVerdictInput): SoakVerdict {
  const failures: string[] = [];
  const trends = new Map<string, MemoryTrend>();
  failures.push(...input.exited.map((death) => `process died: ${death}`));
  for (const [name, samples] of input.samples) {
    if (samples.length < 2) continue;
    const trend = memoryTrend(samples, input.warmUpMinutes);
    trends.set(name, trend);
    if (trend.heapSlope > input.heapSlopeLimit) failures.push(`${name}: post-GC heap grows ${fixed(trend.heapSlope)} MiB/h (limit ${input.heapSlopeLimit})`);
  }
  for (const [key, count] of input.traffic.counts) {
    const status = Number(key.split(' ')[1]);
    if (status === 0 || status >= 500) failures.push(`${count} × ${key === '' ? '?' : key}`);
  }
  const ready = input.uploads.byStatus['ready'] ?? 0;
  if (ready !== input.uploads.accepted) failures.push(`uploads: ${ready} of ${input.uploads.accepted} ready (${JSON.stringify(input.uploads.byStatus)})`);
  failures.push(...input.tierMismatches.map((mismatch) => `tier: ${mismatch}`));
  return { trends, failures };
}

export function formatSoakReport(input: SoakVerdictInput, verdict: SoakVerdict): string {
  const lines = [
    '',
    `process   post-GC heap MiB: start → end, slope MiB/h   |   RSS MiB: start → end, slope MiB/h   (slopes after ${input.warmUpMinutes} min warm-up)`,
  ];
  for (const [name, trend] of verdict.trends) {
    lines.push(
      `${name.padEnd(9)} ${fixed(trend.start.heapMiB).padStart(6)} → ${fixed(trend.end.heapMiB).padStart(6)}, ${fixed(trend.heapSlope).padStart(7)}`.padEnd(56) +
        `|   ${fixed(trend.start.rssMiB).padStart(6)} → ${fixed(trend.end.rssMiB).padStart(6)}, ${fixed(trend.rssSlope).padStart(7)}`,
    );
  }
  const latencies = Float64Array.from(input.traffic.latenciesMs).sort();
  const sorted = Array.from(latencies);
  const counts = [...input.traffic.counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => `${key}×${count}`);
  lines.push(
    '',
    `requests: ${input.traffic.sent} sent; ${counts.join(', ')}`,
    `latency: p50 ${fixed(percentile(sorted, 50))} ms, p99 ${fixed(percentile(sorted, 99))} ms, max ${fixed(sorted.at(-1) ?? 0)} ms`,
    `uploads: ${input.uploads.accepted} accepted; ${JSON.stringify(input.uploads.byStatus)}`,
    `tiers: ${input.tierMismatches.length === 0 ? 'every account equals its newest webhook' : `${input.tierMismatches.length} mismatches`}`,
    '',
    verdict.failures.length === 0 ? `PASS: every post-GC heap slope ≤ ${input.heapSlopeLimit} MiB/h, no 5xx, every upload ready, every tier right` : `FAIL:\n  ${verdict.failures.join('\n  ')}`,
  );
  return lines.join('\n');
}
