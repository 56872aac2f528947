export { createServiceMetrics, type ServiceMetrics } from './service-metrics';
export { httpMetricsMiddleware, httpMetricsRecorder } from './http-metrics-middleware';
export { routeLabel } from './route-label';
export { startMetricsServer, type MetricsServer } from './start-metrics-server';
export { jwksMetrics, type JwksMetricCallbacks } from './jwks-metrics';
export { parseExposition, sampleValue, type MetricSample } from './parse-exposition';
export { Counter, Gauge, Histogram, Registry } from 'prom-client';
