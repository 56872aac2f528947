import { formatSoakReport, judgeSoak, type SoakVerdictInput } from './soak-report';

function input(latenciesMs: number[]): SoakVerdictInput {
  return {
    samples: new Map(),
    traffic: { counts: new Map([['profile 200', latenciesMs.length]]), latenciesMs, sent: latenciesMs.length },
    uploads: { accepted: 0, byStatus: {} },
    tierMismatches: [],
    exited: [],
    warmUpMinutes: 2,
    heapSlopeLimit: 10,
  };
}

describe('formatSoakReport', () => {
  it('reports the latencies of a 2-hour soak (288,000 requests) without overflowing the stack', () => {
    const latencies = Array.from({ length: 288_000 }, (_, index) => (index % 1000) / 10);
    latencies[123_456] = 709.2;
    const soak = input(latencies);
    const report = formatSoakReport(soak, judgeSoak(soak));
    expect(report).toContain('latency: p50 50.0 ms, p99 99.0 ms, max 709.2 ms');
    expect(report).toContain('PASS');
  });

  it('reports zeros when no request was answered', () => {
    const soak = input([]);
    expect(formatSoakReport(soak, judgeSoak(soak))).toContain('latency: p50 0.0 ms, p99 0.0 ms, max 0.0 ms');
  });
});
