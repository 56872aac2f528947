// The service manifest: every long-running process of the product, written once. Build, `npm
// start`, nx serve, the test harness, smoke, abuse, soak, bench and the edge's config read it; a
// deploy test checks that docker-compose.yml, deploy/k8s and the Prometheus scrape config list
// every entry with these ports. No imports: tools/build (plain Node) loads this one file alone.

/** An environment variable that holds a port, with the port used when it is unset. */
export interface PortVariable {
  readonly variable: string;
  readonly default: number;
}

export interface ServiceSpec {
  /** The process: compose service, k8s Deployment, Prometheus job and the `service` log label. */
  readonly name: string;
  /** Its app folder (apps/<app>) and image (toolsplatform/<app>). */
  readonly app: string;
  /** The source entry (tsx: npm start, nx serve, the test harness). */
  readonly entry: string;
  /** The bundle the build writes from `entry` (the image, smoke, soak and bench run it). */
  readonly bundle: string;
  readonly port: PortVariable;
  /** Prometheus scrapes /metrics here; never a public route. */
  readonly metricsPort: PortVariable;
  /** The edge's variable for this service's base URL; absent when the edge does not route to it. */
  readonly upstreamVariable?: string;
  /**
   * Node/V8 flags the process always runs with, whoever starts it (never set at runtime): the
   * tracing preload, then V8 flags, each one's evidence in docs/benchmark.md or docs/uploads.md
   * (a flag without evidence goes).
   */
  readonly nodeFlags: readonly string[];
}

/**
 * The tracing preload (libs/telemetry/src/register.ts, bundled on its own by tools/build), relative
 * to the root of the tree every launcher runs in (the checkout, the runtime tree, the image's
 * /app). It loads before the app so its module hooks see the npm packages, and does nothing
 * unless OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/observability.md).
 */
export const TELEMETRY_PRELOAD = 'dist/libs/telemetry/register.js';
const PRELOAD_FLAGS = ['--require', `./${TELEMETRY_PRELOAD}`] as const;

/** In start order: the edge last, once its upstreams answer. */
export const SERVICES = [
  {
    name: 'user',
    app: 'user',
    entry: 'apps/user/src/main.ts',
    bundle: 'dist/apps/user/main.js',
    port: { variable: 'USER_PORT', default: 4001 },
    metricsPort: { variable: 'USER_METRICS_PORT', default: 9401 },
    upstreamVariable: 'USER_SERVICE_URL',
    // Request objects must not be pretenured after a burst (their scavenges then take ~10× longer).
    nodeFlags: [...PRELOAD_FLAGS, '--no-allocation-site-pretenuring'],
  },
  {
    name: 'flags',
    app: 'flags',
    entry: 'apps/flags/src/main.ts',
    bundle: 'dist/apps/flags/main.js',
    port: { variable: 'FLAGS_PORT', default: 4004 },
    metricsPort: { variable: 'FLAGS_METRICS_PORT', default: 9404 },
    upstreamVariable: 'FLAGS_SERVICE_URL',
    nodeFlags: [...PRELOAD_FLAGS],
  },
  {
    name: 'billing',
    app: 'billing',
    entry: 'apps/billing/src/main.ts',
    bundle: 'dist/apps/billing/main.js',
    port: { variable: 'BILLING_PORT', default: 4003 },
    metricsPort: { variable: 'BILLING_METRICS_PORT', default: 9403 },
    upstreamVariable: 'BILLING_SERVICE_URL',
    nodeFlags: [...PRELOAD_FLAGS],
  },
  {
    name: 'upload',
    app: 'upload',
    entry: 'apps/upload/src/main.ts',
    bundle: 'dist/apps/upload/main.js',
    port: { variable: 'UPLOAD_PORT', default: 4002 },
    metricsPort: { variable: 'UPLOAD_METRICS_PORT', default: 9402 },
    upstreamVariable: 'UPLOAD_SERVICE_URL',
    // A small young generation: upload bytes pass through short-lived buffers, RSS must stay flat.
    nodeFlags: [...PRELOAD_FLAGS, '--max-semi-space-size=2'],
  },
  {
    name: 'upload-worker',
    app: 'upload',
    entry: 'apps/upload/src/worker-main.ts',
    bundle: 'dist/apps/upload/worker.js',
    port: { variable: 'UPLOAD_WORKER_PORT', default: 4005 },
    metricsPort: { variable: 'UPLOAD_WORKER_METRICS_PORT', default: 9405 },
    nodeFlags: [...PRELOAD_FLAGS],
  },
  {
    name: 'edge',
    app: 'edge',
    entry: 'apps/edge/src/main.ts',
    bundle: 'dist/apps/edge/main.js',
    port: { variable: 'EDGE_PORT', default: 4000 },
    metricsPort: { variable: 'EDGE_METRICS_PORT', default: 9400 },
    nodeFlags: [...PRELOAD_FLAGS],
  },
] as const satisfies readonly ServiceSpec[];

type Spec = (typeof SERVICES)[number];
export type ServiceName = Spec['name'];
/** The services the edge routes to. */
export type UpstreamName = Extract<Spec, { upstreamVariable: string }>['name'];

export function serviceSpec(name: ServiceName): ServiceSpec {
  const spec = SERVICES.find((candidate) => candidate.name === name);
  if (!spec) throw new Error(`${name} is not in the service manifest`);
  return spec;
}

/** The services behind the edge, each with the variable the edge reads its URL from. */
export const UPSTREAMS = SERVICES.filter((spec): spec is Extract<Spec, { upstreamVariable: string }> => 'upstreamVariable' in spec);
