export { ERROR_CODE_ATTRIBUTE, tagRelayedError, tagServerSpan } from './span-fields';
export { untracedTraceparent } from './edge-sampling';
export { queueTelemetry } from './queue-telemetry';
