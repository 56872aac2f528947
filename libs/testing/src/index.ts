export { createTestDatabase, type TestDatabase } from './test-database';
export { ensureTemplateDatabase, templateDatabaseName } from './template-database';
export { startServiceProcess, freePort, type ServiceProcess, type ServiceProcessOptions } from './service-process';
export {
  startTestIdentityProvider,
  keycloakEnvFor,
  TEST_AUDIENCE,
  TEST_CLIENT_ID,
  TEST_CLIENT_SECRET,
  DEV_PASSWORD,
  TEST_PASSWORD,
  TEST_REALM,
} from './test-identity-provider';
export { captureLogs, type LogCapture } from './log-capture';
export { loadTestConfig } from './test-config';
export { startS3Server, type S3Server } from './test-s3-server';
export { startMotoServer, type MotoServer } from './test-moto-server';
export { startTcpProxy, type TcpProxy, type TcpProxyOptions, type ProxyMode } from './tcp-proxy';
export { call, type CallOptions, type Reply } from './http-call';
export { apiDocument, type ApiDocument } from './api-document';
export { checkEdgeReply, validateRepliesFrom } from './edge-contract';
export { ResponseValidator, matchPath, type CheckedReply } from './response-validator';
export { rawRequest, openRequest, type RawAnswer, type OpenRequest } from './raw-http';
export { eventually, msUntil, type MsUntilOptions } from './eventually';
export { ISO_TIMESTAMP, UUID } from './matchers';
export { testFlagClient, testFlags, type TestFlags } from './test-flag-client';
export { composeRedisAclRules, createComposeAclUser, type AclUser } from './compose-redis-acl';
export { startTestStack, type StackService, type TestStack, type TestStackOptions } from './test-stack';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
