import { defaultDevUsers, startDevIdentityProvider, type DevIdentityProvider } from '@tp/dev-identity-provider';

export const TEST_REALM = 'toolsplatform';
export const TEST_CLIENT_ID = 'api-gateway';
export const TEST_CLIENT_SECRET = 'api-gateway-dev-secret';
export const TEST_AUDIENCE = 'api-gateway';
export const TEST_PASSWORD = 'password';

/** The dev Keycloak stand-in on a random port, with the seeded free/premium/admin users. */
export function startTestIdentityProvider(): Promise<DevIdentityProvider> {
  return startDevIdentityProvider({
    port: 0,
    realm: TEST_REALM,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    audience: TEST_AUDIENCE,
    users: defaultDevUsers(TEST_PASSWORD),
  });
}

/** The KEYCLOAK_* variables that point a service at this provider. */
export function keycloakEnvFor(idp: DevIdentityProvider): Record<string, string> {
  return { KEYCLOAK_URL: idp.baseUrl, KEYCLOAK_REALM: TEST_REALM, KEYCLOAK_AUDIENCE: TEST_AUDIENCE };
}
