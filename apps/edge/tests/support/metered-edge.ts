import { startService } from '@tp/http';
import { parseExposition, type MetricSample } from '@tp/metrics';
import type { EdgeConfig } from '../../src/config';
import { edgeService } from '../../src/service';

export interface MeteredEdge {
  url: string;
  config: EdgeConfig;
  /** GET /metrics on the edge's separate metrics port, parsed. */
  scrape: () => Promise<MetricSample[]>;
  metricsUrl: string;
  close: () => Promise<void>;
}

/** The edge as main.ts runs it (its metrics registry, JWKS counters and metrics port), in-process. */
export async function startMeteredEdge(env: Record<string, string>): Promise<MeteredEdge> {
  const server = await startService(edgeService, env);
  const metricsUrl = `http://127.0.0.1:${server.metricsPort}/metrics`;
  return {
    url: server.url,
    config: server.config,
    metricsUrl,
    scrape: async () => parseExposition(await (await fetch(metricsUrl)).text()),
    close: server.close,
  };
}
