import { memoryTrend, slope } from './memory-trend';

describe('slope', () => {
  it('is the least-squares gradient of the points', () => {
    expect(slope([[0, 1], [1, 3], [2, 5]])).toBeCloseTo(2);
    expect(slope([[0, 4], [1, 2], [2, 3], [3, 1]])).toBeCloseTo(-0.8);
  });

  it('is 0 for a single point or no spread in x', () => {
    expect(slope([[1, 5]])).toBe(0);
    expect(slope([[1, 5], [1, 9]])).toBe(0);
  });
});

describe('memoryTrend', () => {
  const samples = [0, 0.5, 1, 1.5, 2, 2.5, 3].map((minute) => ({ minute, heapMiB: minute < 1 ? 10 + minute * 40 : 50 + minute, rssMiB: 100 + minute * 2 }));

  it('leaves the warm-up out of the slope and reports MiB per hour', () => {
    const trend = memoryTrend(samples, 1);
    expect(trend.start.minute).toBe(1);
    expect(trend.end.minute).toBe(3);
    expect(trend.heapSlope).toBeCloseTo(60);
    expect(trend.rssSlope).toBeCloseTo(120);
  });

  it('uses every sample when the warm-up leaves fewer than two', () => {
    expect(memoryTrend(samples, 10).start.minute).toBe(0);
  });
});
