import type { DevIdentityProvider } from '@tp/dev-identity-provider';
import { keycloakEnvFor } from '@tp/testing';
import { REDIS_URL, uniquePrefix } from './edge-stack';

/** Edge env with every routed service pointing at one upstream (a test server, or a closed port). */
export function singleUpstreamEnv(idp: DevIdentityProvider, upstreamUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ...keycloakEnvFor(idp),
    USER_SERVICE_URL: upstreamUrl,
    FLAGS_SERVICE_URL: upstreamUrl,
    BILLING_SERVICE_URL: upstreamUrl,
    UPLOAD_SERVICE_URL: upstreamUrl,
    REDIS_URL,
    RATE_LIMIT_PREFIX: uniquePrefix(),
    ...overrides,
  };
}
