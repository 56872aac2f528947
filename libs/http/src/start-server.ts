import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announceShutdown } from './announce-shutdown';
import { answerClientErrors } from './client-errors';
import { capConnections } from './connection-cap';
import { flushLogs, type Logger } from '@tp/logging';
import { startMetricsServer, type Registry } from '@tp/metrics';

export interface StartServerOptions {
  port: number;
  host?: string;
  logger: Logger;
  /** Closed in order after in-flight requests finish (pools, queues, Redis). */
  closers?: Array<() => Promise<unknown> | unknown>;
  shutdownTimeoutMs?: number;
  /** Whole-request timeout for clients (Node's default of 5 min would cut long uploads). */
  requestTimeoutMs?: number;
  /** Time for a client to send its request headers (Node answers a raw 408 and closes). */
  headersTimeoutMs?: number;
  /** Open client connections; past it a new connection's request gets 503 JSON and the connection closes. */
  maxConnections?: number;
  /** Serve this registry at GET /metrics on its own port (never on the public routes). */
  metrics?: { registry: Registry; port: number; host?: string };
  /** Install SIGTERM/SIGINT handlers that exit the process; off in tests. */
  handleSignals?: boolean;
}

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  metricsPort?: number;
  /** Stop accepting, let in-flight requests finish (bounded), then run the closers. */
  close: () => Promise<void>;
}

async function drain(server: Server, timeoutMs: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const deadline = setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, timeoutMs);
    deadline.unref();
    // A keep-alive socket goes idle once its in-flight response is done; close it then,
    // instead of waiting for keepAliveTimeout (polling costs nothing per request).
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    sweep.unref();
    server.close(() => {
      clearTimeout(deadline);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export async function startServer(app: RequestListener, options: StartServerOptions): Promise<RunningServer> {
  const cap = options.maxConnections === undefined ? undefined : capConnections(app, options.maxConnections);
  const server = createServer(
    {
      // Node enforces headersTimeout/requestTimeout only when it sweeps its connections
      // (30 s by default); a 1 s sweep keeps a slow client's overrun to about a second.
      connectionsCheckingInterval: 1000,
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeout: options.requestTimeoutMs }),
      ...(options.headersTimeoutMs === undefined ? {} : { headersTimeout: options.headersTimeoutMs }),
    },
    cap?.listener ?? app,
  );
  cap?.attach(server);
  // What Node's HTTP layer refuses itself (oversize headers, bad method, bad Expect, CONNECT) answers as the API does.
  answerClientErrors(server, options.logger);
  // Longer than any load balancer's idle timeout, so the proxy never reuses a socket we just closed.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const metricsServer = options.metrics
    ? await startMetricsServer(options.metrics.registry, options.metrics.port, options.metrics.host)
    : undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const locals = (app as { locals?: Record<string, unknown> }).locals;
      if (locals) locals.shuttingDown = true;
      await drain(server, options.shutdownTimeoutMs ?? 10_000);
      await metricsServer?.close();
      for (const closer of options.closers ?? []) {
        try {
          await closer();
        } catch (err) {
          options.logger.warn({ err }, 'Error while closing a resource during shutdown');
        }
      }
    })();
    return closing;
  };
  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      options.logger.info({ signal }, 'Shutting down');
      // The buffered log lines (the last requests, this one) are written before the process ends.
      const exit = (code: number) => {
        flushLogs(options.logger);
        process.exit(code);
      };
      // Then whoever subscribed to the shutdown (the tracing preload exports the last spans).
      const announce = () => announceShutdown(options.shutdownTimeoutMs ?? 10_000);
      close().then(
        () => announce().then(() => exit(0)),
        () => announce().then(() => exit(1)),
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  options.logger.info({ port, metricsPort: metricsServer?.port }, 'Listening');
  return { server, port, url: `http://127.0.0.1:${port}`, metricsPort: metricsServer?.port, close };
}
