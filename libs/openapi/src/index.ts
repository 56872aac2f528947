export {
  ApiRegistry,
  documentedRoutes,
  multipartFiles,
  openApiHandler,
  sharedComponents,
  type MultipartFileField,
  type OpenApiFragment,
} from './api-registry';
export { buildOperation, openApiPath } from './build-operation';
export { API_TAGS, documentTags } from './api-tags';
export {
  errorBodySchema,
  errorResponse,
  withRateLimitHeaders,
  BEARER_SCHEME,
  ERROR_DESCRIPTIONS,
  RATE_LIMIT_HEADERS,
  RETRY_AFTER_HEADER,
  SECURITY_SCHEMES,
  type SecuritySchemeName,
} from './error-schema';
export { toOpenApiSchema, type JsonSchema } from './json-schema';
export { mountedRoutes } from './mounted-routes';
export type { HeaderDoc, HttpMethod, RequestBodyDoc, ResponseDoc, RouteAuth, RouteDoc } from './route-doc';
export { validate, type RequestPart } from './validate';
