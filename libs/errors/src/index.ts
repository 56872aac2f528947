export * from './http-errors';
export { toErrorBody, type ErrorBody } from './error-body';
export { errorMiddleware, notFoundHandler } from './error-middleware';
