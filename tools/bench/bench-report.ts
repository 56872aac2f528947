import type { CaseId } from './bench-cases';
import { formatTargets, issueTargets, type TargetResult } from './bench-targets';
import type { LoadResult } from './run-load';

export interface CaseSummary {
  id: CaseId;
  label: string;
  runs: LoadResult[];
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Median CPU µs per request of each measured process (proxy, edge, user). */
  cpuUsPerRequest: Record<string, number>;
}

export interface BenchSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  fixedRate: number;
  rateLimitMax: number;
}

export interface BenchReport {
  node: string;
  cpus: number;
  cpuModel: string;
  date: string;
  /** 1-minute load average when the bench started and ended: how busy the machine was. */
  loadAverage: { before: number; after: number };
  settings: BenchSettings;
  throughput: CaseSummary[];
  fixedRate: CaseSummary[];
  /** f/b: what the design card's floor (Redis + log line) leaves of c/b at best; c/f: the edge against that floor. */
  ratios: { cOverA: number; cOverB: number; dOverA: number; fOverB: number; cOverF: number };
  fixedRateP99: { a: number; c: number; differenceMs: number };
  targets: TargetResult[];
}

/** Medians, not means: one noisy run out of three must not move the result. */
export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(id: CaseId, label: string, runs: LoadResult[]): CaseSummary {
  const roles = Object.keys(runs[0]?.cpuUsPerRequest ?? {});
  return {
    id,
    label,
    runs,
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    cpuUsPerRequest: Object.fromEntries(roles.map((role) => [role, median(runs.map((run) => run.cpuUsPerRequest?.[role] ?? 0))])),
  };
}

function find(list: CaseSummary[], id: CaseId): CaseSummary {
  const found = list.find((item) => item.id === id);
  if (!found) throw new Error(`No results for case ${id}`);
  return found;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Ratios and the targets of issue 24 (bench-targets.ts), derived from the medians of one run. */
export function buildReport(base: Omit<BenchReport, 'ratios' | 'fixedRateP99' | 'targets'>, uploadResultsFile?: string): BenchReport {
  const [a, b, f, c, d] = (['a', 'b', 'f', 'c', 'd'] as const).map((id) => find(base.throughput, id));
  const ratios = {
    cOverA: round2(c!.requestsPerSecond / a!.requestsPerSecond),
    cOverB: round2(c!.requestsPerSecond / b!.requestsPerSecond),
    dOverA: round2(d!.requestsPerSecond / a!.requestsPerSecond),
    fOverB: round2(f!.requestsPerSecond / b!.requestsPerSecond),
    cOverF: round2(c!.requestsPerSecond / f!.requestsPerSecond),
  };
  const fixedA = find(base.fixedRate, 'a').p99Ms;
  const fixedC = find(base.fixedRate, 'c').p99Ms;
  const fixedRateP99 = { a: fixedA, c: fixedC, differenceMs: round2(fixedC - fixedA) };
  const targets = issueTargets({
    throughput: base.throughput,
    fixedRate: base.fixedRate,
    fixedRatePerSecond: base.settings.fixedRate,
    uploadResultsFile,
  });
  return { ...base, ratios, fixedRateP99, targets };
}

const pad = (value: string | number, width: number) => String(value).padEnd(width);
const padLeft = (value: string | number, width: number) => String(value).padStart(width);

function cpuColumn(cpu: Record<string, number>): string {
  return Object.entries(cpu)
    .map(([role, micros]) => `${role} ${micros}`)
    .join(' + ');
}

function tableRows(list: CaseSummary[]): string[] {
  return list.map(
    (item) =>
      `${pad(item.id, 4)} ${pad(item.label, 42)} ${padLeft(Math.round(item.requestsPerSecond), 7)} ` +
      `${padLeft(item.p50Ms, 7)} ${padLeft(item.p99Ms, 7)}   ${pad(cpuColumn(item.cpuUsPerRequest), 22)} ` +
      item.runs.map((run) => Math.round(run.requestsPerSecond)).join(' / '),
  );
}

export function formatReport(report: BenchReport): string {
  const s = report.settings;
  const header =
    `${pad('case', 4)} ${pad('', 42)} ${padLeft('req/s', 7)} ${padLeft('p50 ms', 7)} ${padLeft('p99 ms', 7)}   ` +
    `${pad('CPU µs/request', 22)} req/s per run`;
  return [
    `Gateway bench — Node ${report.node}, ${report.cpus} CPUs (${report.cpuModel}), ${report.date}, ` +
      `load average ${report.loadAverage.before.toFixed(1)} → ${report.loadAverage.after.toFixed(1)}`,
    `production bundles (npm run build) in fresh node processes; autocannon: ${s.connections} connections, pipelining 1, ` +
      `${s.durationSeconds} s per run after ${s.warmupSeconds} s warm-up, ${s.rounds} interleaved rounds, medians`,
    `(c),(d): RATE_LIMIT_MAX=${s.rateLimitMax} so the limit never trips (Redis is still called per request); ` +
      `(f),(c),(d): pino-http at info to a file. CPU from /proc/<pid>/stat (user+system) over the measured run.`,
    '',
    header,
    ...tableRows(report.throughput),
    '',
    `ratios: c/a = ${report.ratios.cOverA.toFixed(2)}   c/b = ${report.ratios.cOverB.toFixed(2)}   d/a = ${report.ratios.dOverA.toFixed(2)}` +
      `   (f/b = ${report.ratios.fOverB.toFixed(2)}: the floor of Redis + log line; c/f = ${report.ratios.cOverF.toFixed(2)})`,
    '',
    `fixed rate ${s.fixedRate} req/s (paced open loop, node:http keep-alive, one request every ${1000 / s.fixedRate} ms):`,
    ...tableRows(report.fixedRate),
    `p99 a = ${report.fixedRateP99.a} ms, c = ${report.fixedRateP99.c} ms, difference c − a = ${report.fixedRateP99.differenceMs} ms`,
    '',
    ...formatTargets(report.targets),
  ].join('\n');
}
