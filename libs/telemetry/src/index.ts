export { ERROR_CODE_ATTRIBUTE, tagServerSpan } from './span-fields';
export { untracedTraceparent } from './edge-sampling';
export { queueTelemetry } from './queue-telemetry';
