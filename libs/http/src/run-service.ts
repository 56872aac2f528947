import type { RequestListener } from 'node:http';
import { loadConfigOrExit, type Env } from '@tp/config';
import { createLogger, flushLogs, type Logger } from '@tp/logging';
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
  /** The service's config loader: the process environment, or `env` (tests). */
  loadConfig: (env?: Env) => C;
  /** Builds the collaborators (registering what to close) and the app to serve. */
  createApp: (parts: ServiceParts<C>) => RequestListener | Promise<RequestListener>;
  server?: (config: C) => ServerSettings;
}

/** The service's collaborators and app, and where it listens: the part runService and startService share. */
async function assemble<C extends ServiceRuntimeConfig>(options: RunServiceOptions<C>, config: C, logger: Logger) {
  const metrics = createServiceMetrics(options.name);
  const closers: Closer[] = [];
  const onClose = (closer: Closer) => void closers.unshift(closer);
  try {
    const app = await options.createApp({ config, logger, metrics, onClose });
    const { metricsPort = config.metricsPort, ...server } = options.server?.(config) ?? {};
    return { app, metrics, closers, server, metricsPort };
  } catch (err) {
    for (const closer of closers) await Promise.resolve(closer()).catch(() => undefined);
    throw err;
  }
}

/**
 * The one process lifecycle every service and worker shares: config (exits 1 naming the bad
 * variable) → logger → metrics → the service's collaborators and app → listen, with /metrics on
 * its own port → on SIGTERM/SIGINT drain in-flight requests within SHUTDOWN_TIMEOUT_MS → close
 * the collaborators, newest first → exit. A failure to start is logged and exits 1.
 */
export async function runService<C extends ServiceRuntimeConfig>(options: RunServiceOptions<C>): Promise<RunningServer> {
  const config = loadConfigOrExit(() => options.loadConfig());
  const logger = createLogger({ service: options.name, level: config.logLevel, pretty: config.logPretty });
  // A crash still ends with its reason and every buffered line written; Node's own handling
  // (stack on stderr, exit 1) is unchanged: a monitor, not a handler.
  process.on('uncaughtExceptionMonitor', (err, origin) => {
    logger.fatal({ err, origin }, 'Uncaught exception, exiting');
    flushLogs(logger);
  });
  try {
    const { app, metrics, closers, server, metricsPort } = await assemble(options, config, logger);
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
    flushLogs(logger);
    process.exit(1);
  }
}

export interface StartedService<C> extends RunningServer {
  /** What it serves (tests enumerate an Express app's routes). */
  app: RequestListener;
  config: C;
  logger: Logger;
  metrics: ServiceMetrics;
}

/**
 * The same service, wired as its main.ts wires it, for tests: config from `env`, on free loopback
 * ports (the metrics port too, unless the env names one), no signal handlers; close() drains and
 * runs the collaborators' closers. A failure to start rejects.
 */
export async function startService<C extends ServiceRuntimeConfig>(options: RunServiceOptions<C>, env: Env, overrides: { logger?: Logger } = {}): Promise<StartedService<C>> {
  const config = options.loadConfig(env);
  const logger = overrides.logger ?? createLogger({ service: options.name, level: config.logLevel });
  const { app, metrics, closers, server, metricsPort } = await assemble(options, config, logger);
  const running = await startServer(app, {
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    ...server,
    port: 0,
    host: '127.0.0.1',
    metrics: { registry: metrics.registry, port: metricsPort, host: '127.0.0.1' },
    logger,
    closers,
  });
  return Object.assign(running, { app, config, logger, metrics });
}
