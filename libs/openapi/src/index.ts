export { ApiRegistry, documentedRoutes, multipartFiles, openApiHandler, sharedComponents, type OpenApiFragment } from './api-registry';
export { buildOperation, openApiPath } from './build-operation';
export { errorBodySchema, errorResponse, BEARER_SCHEME, ERROR_DESCRIPTIONS, SECURITY_SCHEMES } from './error-schema';
export { toOpenApiSchema, type JsonSchema } from './json-schema';
export { mountedRoutes } from './mounted-routes';
export type { HeaderDoc, HttpMethod, RequestBodyDoc, ResponseDoc, RouteAuth, RouteDoc } from './route-doc';
export { validate, type RequestPart } from './validate';
