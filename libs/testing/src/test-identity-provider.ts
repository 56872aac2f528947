import { defaultDevUsers, startDevIdentityProvider, type DevIdentityProvider } from '@tp/dev-identity-provider';

export const TEST_REALM = 'toolsplatform';
export const TEST_CLIENT_ID = 'api-gateway';
export const TEST_CLIENT_SECRET = 'api-gateway-dev-secret';
export const TEST_AUDIENCE = 'api-gateway';
/** The password of every seeded user (free@, premium@, admin@example.com). */
export const DEV_PASSWORD = 'password';
/** @deprecated the same password under its older name (tools/bench uses it). */
export const TEST_PASSWORD = DEV_PASSWORD;

/** The dev Keycloak stand-in on a random port, with the seeded free/premium/admin users. */
export function startTestIdentityProvider(): Promise<DevIdentityProvider> {
  return startDevIdentityProvider({
    port: 0,
    realm: TEST_REALM,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    audience: TEST_AUDIENCE,
    users: defaultDevUsers(DEV_PASSWORD),
  });
}

/** The KEYCLOAK_* variables that point a service at this provider. */
export function keycloakEnvFor(idp: DevIdentityProvider): Record<string, string> {
  return { KEYCLOAK_URL: idp.baseUrl, KEYCLOAK_REALM: TEST_REALM, KEYCLOAK_AUDIENCE: TEST_AUDIENCE };
}
