import type { Express } from 'express';
import { startService } from '@tp/http';
import { captureLogs, type LogCapture } from '@tp/testing';
import { edgeService } from '../../src/service';

export interface DocsEdge {
  url: string;
  /** The edge's Express app, to enumerate what it mounts. */
  app: Express;
  /** Everything the edge logged (info level), for assertions on request lines. */
  logs: LogCapture;
  close: () => Promise<void>;
}

/** The edge as main.ts runs it, in-process, logging into memory (the docs tests read its request lines). */
export async function startDocsEdge(env: Record<string, string>): Promise<DocsEdge> {
  const logs = captureLogs('edge');
  const server = await startService(edgeService, env, { logger: logs.logger });
  return { url: server.url, app: server.app as Express, logs, close: server.close };
}
