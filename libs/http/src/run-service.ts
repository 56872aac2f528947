import type { RequestListener } from 'node:http';
import { loadConfigOrExit } from '@tp/config';
import { createLogger, type Logger } from '@tp/logging';
import { createServiceMetrics, type ServiceMetrics } from '@tp/metrics';
import { startServer, type RunningServer, type StartServerOptions } from './start-server';

/** What runService reads from a service config: runtimeSettings() and the service's ports. */
export interface ServiceRuntimeConfig {
  logLevel: Parameters<typeof createLogger>[0]['level'];
  logPretty: boolean;
  shutdownTimeoutMs: number;
  port: number;
  metricsPort: number;
}

export type Closer = () => Promise<unknown> | unknown;

/** What a service builds its collaborators from. */
export interface ServiceParts<C> {
  config: C;
  logger: Logger;
  metrics: ServiceMetrics;
  /** Closes `closer` on shutdown, once in-flight requests are done; the last registered closes first. */
  onClose: (closer: Closer) => void;
}

/** Listening settings a service takes from its config instead of the defaults (port, metricsPort, timeouts). */
export type ServerSettings = Partial<Omit<StartServerOptions, 'logger' | 'closers' | 'metrics' | 'handleSignals'>> & {
  metricsPort?: number;
};

export interface RunServiceOptions<C extends ServiceRuntimeConfig> {
  /** The `service` label on every log line and metric. */
  name: string;
  loadConfig: () => C;
  /** Builds the collaborators (registering what to close) and the app to serve. */
  createApp: (parts: ServiceParts<C>) => RequestListener | Promise<RequestListener>;
  server?: (config: C) => ServerSettings;
}

/**
 * The one process lifecycle every service and worker shares: config (exits 1 naming the bad
 * variable) → logger → metrics → the service's collaborators and app → listen, with /metrics on
 * its own port → on SIGTERM/SIGINT drain in-flight requests within SHUTDOWN_TIMEOUT_MS → close
 * the collaborators, newest first → exit. A failure to start is logged and exits 1.
 */
export async function runService<C extends ServiceRuntimeConfig>(options: RunServiceOptions<C>): Promise<RunningServer> {
  const config = loadConfigOrExit(options.loadConfig);
  const logger = createLogger({ service: options.name, level: config.logLevel, pretty: config.logPretty });
  const metrics = createServiceMetrics(options.name);
  const closers: Closer[] = [];
  try {
    const app = await options.createApp({ config, logger, metrics, onClose: (closer) => void closers.unshift(closer) });
    const { metricsPort = config.metricsPort, ...server } = options.server?.(config) ?? {};
    return await startServer(app, {
      port: config.port,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      ...server,
      metrics: { registry: metrics.registry, port: metricsPort },
      logger,
      closers,
      handleSignals: true,
    });
  } catch (err) {
    logger.fatal({ err }, 'Could not start');
    process.exit(1);
  }
}
