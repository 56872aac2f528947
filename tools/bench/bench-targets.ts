import { existsSync, readFileSync } from 'node:fs';
import type { CaseSummary } from './bench-report';

/** PASS/MISS, or "not measured" when the run has no figures for a target (never a guess). */
export interface TargetResult {
  name: string;
  status: 'PASS' | 'MISS' | 'not measured';
  detail: string;
}

export interface TargetInputs {
  throughput: CaseSummary[];
  fixedRate: CaseSummary[];
  fixedRatePerSecond: number;
  /** bench-results/upload-bench.json, written by `npm run bench:upload` (absent: not measured). */
  uploadResultsFile?: string;
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const byId = (list: CaseSummary[], id: string) => list.find((item) => item.id === id);
const measured = (name: string, pass: boolean, detail: string): TargetResult => ({ name, status: pass ? 'PASS' : 'MISS', detail });
const notMeasured = (name: string, detail: string): TargetResult => ({ name, status: 'not measured', detail });

function ratioTarget(inputs: TargetInputs, over: string, under: string, min: number, name = `${over}/${under}`): TargetResult {
  const title = `${name} ≥ ${min.toFixed(2)} (req/s)`;
  const top = byId(inputs.throughput, over);
  const bottom = byId(inputs.throughput, under);
  if (!top || !bottom) return notMeasured(title, `no case ${top ? under : over} in this run`);
  const value = round2(top.requestsPerSecond / bottom.requestsPerSecond);
  return measured(title, value >= min, `${name} = ${value.toFixed(2)}`);
}

/** Issue 24: p99(c) − p99(a) at the fixed rate within 2 ms in every round, not only in the median. */
function fixedRateTarget(inputs: TargetInputs): TargetResult {
  const name = `c p99 within 2 ms of a at ${inputs.fixedRatePerSecond} req/s, in each of 3 runs`;
  const a = byId(inputs.fixedRate, 'a');
  const c = byId(inputs.fixedRate, 'c');
  if (!a || !c) return notMeasured(name, 'no fixed-rate rounds of a and c');
  const differences = c.runs.map((run, index) => round2(run.p99Ms - (a.runs[index]?.p99Ms ?? Number.NaN)));
  const pass = differences.length >= 3 && differences.every((difference) => difference <= 2);
  return measured(name, pass, `c − a per run = ${differences.map((difference) => `${difference} ms`).join(', ')}`);
}

function uploadTarget(file: string | undefined): TargetResult {
  const name = 'upload of 200 MB through the edge ≥ 0.90 × direct S3 write';
  if (!file || !existsSync(file)) return notMeasured(name, 'run npm run bench:upload');
  const { results, date } = JSON.parse(readFileSync(file, 'utf8')) as { date: string; results: Array<Record<string, unknown>> };
  const at200 = results.find((result) => result['sizeMb'] === 200);
  if (!at200) return notMeasured(name, `no 200 MB run in bench-results/upload-bench.json (${date})`);
  const ratio = at200['ratio'] as number;
  return measured(name, ratio >= 0.9, `ratio ${ratio.toFixed(2)} (npm run bench:upload of ${date})`);
}

/** Tracing at 10 % sampling: a throughput case whose id or label names tracing, against (b). */
export function tracingTarget(inputs: TargetInputs): TargetResult {
  const traced = inputs.throughput.find((item) => /trac/i.test(`${item.id} ${item.label}`));
  if (!traced) return notMeasured('with tracing at 10 %: c/b ≥ 0.70 (req/s)', 'no tracing case in this run');
  return ratioTarget(inputs, traced.id, 'b', 0.7, `${traced.id}/b`);
}

/** Every target of issue 24, in the order the report prints them. */
export function issueTargets(inputs: TargetInputs): TargetResult[] {
  return [
    ratioTarget(inputs, 'c', 'b', 0.8),
    ratioTarget(inputs, 'c', 'a', 0.5),
    ratioTarget(inputs, 'd', 'a', 0.3),
    fixedRateTarget(inputs),
    uploadTarget(inputs.uploadResultsFile),
    tracingTarget(inputs),
  ];
}

export function formatTargets(targets: TargetResult[]): string[] {
  return targets.map((target) => `${target.status.padEnd(12)} ${target.name}  (${target.detail})`);
}
