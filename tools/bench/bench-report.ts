import type { CaseId } from './bench-cases';
import type { LoadResult } from './run-load';

export interface CaseSummary {
  id: CaseId;
  label: string;
  runs: LoadResult[];
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface BenchSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  rounds: number;
  fixedRate: number;
  fixedRateConnections: number;
  rateLimitMax: number;
}

export interface BenchReport {
  node: string;
  cpus: number;
  cpuModel: string;
  date: string;
  settings: BenchSettings;
  throughput: CaseSummary[];
  fixedRate: CaseSummary[];
  ratios: { cOverA: number; cOverB: number; dOverA: number };
  fixedRateP99: { a: number; c: number; differenceMs: number };
  targets: { name: string; pass: boolean; detail: string }[];
}

/** Medians, not means: one noisy run out of three must not move the result. */
export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(id: CaseId, label: string, runs: LoadResult[]): CaseSummary {
  return {
    id,
    label,
    runs,
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
  };
}

function find(list: CaseSummary[], id: CaseId): CaseSummary {
  const found = list.find((item) => item.id === id);
  if (!found) throw new Error(`No results for case ${id}`);
  return found;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Ratios and the two targets from the issue, derived from the medians. */
export function buildReport(
  base: Omit<BenchReport, 'ratios' | 'fixedRateP99' | 'targets'>,
): BenchReport {
  const [a, b, c, d] = (['a', 'b', 'c', 'd'] as const).map((id) => find(base.throughput, id));
  const ratios = {
    cOverA: round2(c!.requestsPerSecond / a!.requestsPerSecond),
    cOverB: round2(c!.requestsPerSecond / b!.requestsPerSecond),
    dOverA: round2(d!.requestsPerSecond / a!.requestsPerSecond),
  };
  const fixedA = find(base.fixedRate, 'a').p99Ms;
  const fixedC = find(base.fixedRate, 'c').p99Ms;
  const fixedRateP99 = { a: fixedA, c: fixedC, differenceMs: round2(fixedC - fixedA) };
  const targets = [
    { name: 'c ≥ 0.30 × a req/s', pass: ratios.cOverA >= 0.3, detail: `c/a = ${ratios.cOverA.toFixed(2)}` },
    {
      name: `c p99 within 3 ms of a at ${base.settings.fixedRate} req/s`,
      pass: fixedRateP99.differenceMs <= 3,
      detail: `c − a = ${fixedRateP99.differenceMs} ms`,
    },
  ];
  return { ...base, ratios, fixedRateP99, targets };
}

const pad = (value: string | number, width: number) => String(value).padEnd(width);
const padLeft = (value: string | number, width: number) => String(value).padStart(width);

function tableRows(list: CaseSummary[]): string[] {
  return list.map(
    (item) =>
      `${pad(item.id, 4)} ${pad(item.label, 44)} ${padLeft(Math.round(item.requestsPerSecond), 8)} ` +
      `${padLeft(item.p50Ms, 7)} ${padLeft(item.p99Ms, 7)}   ` +
      item.runs.map((run) => Math.round(run.requestsPerSecond)).join(' / '),
  );
}

export function formatReport(report: BenchReport): string {
  const s = report.settings;
  const header = `${pad('case', 4)} ${pad('', 44)} ${padLeft('req/s', 8)} ${padLeft('p50 ms', 7)} ${padLeft('p99 ms', 7)}   req/s per run`;
  return [
    `Gateway bench — Node ${report.node}, ${report.cpus} CPUs (${report.cpuModel}), ${report.date}`,
    `autocannon: ${s.connections} connections, pipelining 1, ${s.durationSeconds} s per run after ${s.warmupSeconds} s warm-up, ` +
      `${s.rounds} interleaved rounds, fresh processes per run, medians`,
    `(c),(d): RATE_LIMIT_MAX=${s.rateLimitMax} so the limit never trips (Redis is still called per request); ` +
      `pino-http at info to a file`,
    '',
    header,
    ...tableRows(report.throughput),
    '',
    `ratios: c/a = ${report.ratios.cOverA.toFixed(2)}   c/b = ${report.ratios.cOverB.toFixed(2)}   d/a = ${report.ratios.dOverA.toFixed(2)}`,
    '',
    `fixed rate ${s.fixedRate} req/s (autocannon overallRate, ${s.fixedRateConnections} connections):`,
    ...tableRows(report.fixedRate),
    `p99 a = ${report.fixedRateP99.a} ms, c = ${report.fixedRateP99.c} ms, difference c − a = ${report.fixedRateP99.differenceMs} ms`,
    '',
    ...report.targets.map((target) => `${target.pass ? 'PASS' : 'MISS'}  ${target.name}  (${target.detail})`),
  ].join('\n');
}
