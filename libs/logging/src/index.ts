export { createLogger, flushLogs, REDACT_PATHS, type LoggerOptions } from './create-logger';
export { createRequestLogger } from './request-logger';
export { responseOutcome, CLIENT_CLOSED_REQUEST, type ResponseOutcome } from './response-outcome';
export { redactUrl } from './redact-url';
export {
  runWithRequestContext,
  getRequestContext,
  setRequestUser,
  contextLogger,
  type RequestContext,
} from './request-context';
export type { Logger } from 'pino';
