export { ERROR_CODE_ATTRIBUTE, tagServerSpan } from './span-fields';
export { queueTelemetry } from './queue-telemetry';
