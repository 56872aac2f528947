import { z } from 'zod';
import { configPiece, httpUrl, positiveInt, UPSTREAMS, type UpstreamName } from '@tp/config';

/** Each routed service's base URL (`<NAME>_SERVICE_URL` in the manifest), by default its manifest port on loopback. */
export const upstreamsConfig = configPiece(
  Object.fromEntries(UPSTREAMS.map((spec) => [spec.upstreamVariable, httpUrl.default(`http://127.0.0.1:${spec.port.default}`)])),
  (env) => Object.fromEntries(UPSTREAMS.map((spec) => [spec.name, env[spec.upstreamVariable] as string])) as Record<UpstreamName, string>,
);

const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/**
 * The edge's /health/detailed is public: one downstream round per HEALTH_CACHE_MS (0: only
 * concurrent callers share a round) and at most HEALTH_RATE_LIMIT_MAX calls per IP per
 * rate-limit window.
 */
export const healthEndpointEnv = {
  HEALTH_CACHE_MS: nonNegativeInt(2000),
  HEALTH_RATE_LIMIT_MAX: positiveInt(30),
};

export function healthEndpointSettings(env: { HEALTH_CACHE_MS: number; HEALTH_RATE_LIMIT_MAX: number }) {
  return { cacheMs: env.HEALTH_CACHE_MS, rateLimitMax: env.HEALTH_RATE_LIMIT_MAX };
}

/**
 * Bounded time and work per client at the edge. Uploads stream for a long time but must keep
 * moving; every other route is short, and its (small) body must arrive soon after its headers.
 * Concurrency per upstream service and open client connections are capped: past a cap the
 * edge answers 503 with Retry-After at once instead of queueing without bound.
 */
export const trafficLimitsEnv = {
  /** Client must finish sending the request headers within this. */
  EDGE_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  /** Whole request, non-upload routes (408 while the body is still arriving, else 504). */
  EDGE_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  /** Non-upload routes: the whole body must arrive within this of the headers (408). */
  EDGE_BODY_TIMEOUT_MS: positiveInt(5_000),
  /** Non-upload routes: the edge reads the body before it takes an upstream slot; larger is 413. */
  EDGE_MAX_BODY_BYTES: positiveInt(1024 * 1024),
  /** Upload routes: whole-request cap (the largest upload must fit inside it). */
  EDGE_UPLOAD_TIMEOUT_MS: positiveInt(30 * 60_000),
  /** Upload routes: no byte from the client for this long is a 408. */
  EDGE_UPLOAD_IDLE_TIMEOUT_MS: positiveInt(30_000),
  /** Open client connections; past it a new connection gets 503 and is closed. */
  EDGE_MAX_CONNECTIONS: positiveInt(4096),
  /** Requests in flight to one service; past it 503 at once. */
  UPSTREAM_MAX_IN_FLIGHT: positiveInt(512),
  /** Sockets to one service; a request waiting longer than UPSTREAM_QUEUE_TIMEOUT_MS for one gets 503. */
  UPSTREAM_MAX_SOCKETS: positiveInt(256),
  UPSTREAM_QUEUE_TIMEOUT_MS: positiveInt(2_000),
};

export interface TrafficLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  bodyTimeoutMs: number;
  maxBodyBytes: number;
  uploadTimeoutMs: number;
  uploadIdleTimeoutMs: number;
  maxConnections: number;
  upstream: { maxInFlight: number; maxSockets: number; queueTimeoutMs: number };
}

export function trafficLimits(env: {
  EDGE_HEADERS_TIMEOUT_MS: number;
  EDGE_REQUEST_TIMEOUT_MS: number;
  EDGE_BODY_TIMEOUT_MS: number;
  EDGE_MAX_BODY_BYTES: number;
  EDGE_UPLOAD_TIMEOUT_MS: number;
  EDGE_UPLOAD_IDLE_TIMEOUT_MS: number;
  EDGE_MAX_CONNECTIONS: number;
  UPSTREAM_MAX_IN_FLIGHT: number;
  UPSTREAM_MAX_SOCKETS: number;
  UPSTREAM_QUEUE_TIMEOUT_MS: number;
}): TrafficLimits {
  return {
    headersTimeoutMs: env.EDGE_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: env.EDGE_REQUEST_TIMEOUT_MS,
    bodyTimeoutMs: env.EDGE_BODY_TIMEOUT_MS,
    maxBodyBytes: env.EDGE_MAX_BODY_BYTES,
    uploadTimeoutMs: env.EDGE_UPLOAD_TIMEOUT_MS,
    uploadIdleTimeoutMs: env.EDGE_UPLOAD_IDLE_TIMEOUT_MS,
    maxConnections: env.EDGE_MAX_CONNECTIONS,
    upstream: { maxInFlight: env.UPSTREAM_MAX_IN_FLIGHT, maxSockets: env.UPSTREAM_MAX_SOCKETS, queueTimeoutMs: env.UPSTREAM_QUEUE_TIMEOUT_MS },
  };
}
