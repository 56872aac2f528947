import { startService } from '@tp/http';
import { captureLogs, type LogCapture } from '@tp/testing';
import type { EdgeConfig } from '../../src/config';
import { edgeService } from '../../src/service';

export interface LoggedEdge {
  url: string;
  config: EdgeConfig;
  logs: LogCapture;
  close: () => Promise<void>;
}

/** The edge as main.ts runs it, in-process, logging into memory (tests read its log lines). */
export async function startLoggedEdge(env: Record<string, string>): Promise<LoggedEdge> {
  const logs = captureLogs('edge');
  const server = await startService(edgeService, env, { logger: logs.logger });
  return { url: server.url, config: server.config, logs, close: server.close };
}
