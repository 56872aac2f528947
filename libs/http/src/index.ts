export { createServiceApp, type ServiceAppOptions } from './create-service-app';
export { startServer, type RunningServer, type StartServerOptions } from './start-server';
export { healthRouter, type HealthRouterOptions } from './health-router';
export {
  runHealthChecks,
  NestedCheckError,
  type HealthCheck,
  type HealthReport,
  type CheckResult,
  type CheckStatus,
  type NestedChecks,
} from './health';
export { createHealthMonitor, publicReport, type PublicCheck, type PublicHealthReport } from './health-monitor';
export { requestIdMiddleware, pickRequestId, REQUEST_ID_HEADER } from './request-id';
export { closeAfterResponse, closeUnreadRequests, DEFAULT_LINGER, type LingerLimits } from './close-after-response';
export { runService, startService, type Closer, type RunServiceOptions, type ServerSettings, type ServiceParts, type ServiceRuntimeConfig, type StartedService } from './run-service';
export { handlerChain, underPath } from './handler-chain';
export { clientKey, clientKeys, IPV6_NETWORK_PREFIX, type ClientKeys } from './client-key';
export { answerClientErrors, clientErrorAnswer } from './client-errors';
