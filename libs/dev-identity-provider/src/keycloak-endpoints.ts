import type { OAuth2EndpointsInput } from 'oauth2-mock-server';

/**
 * Keycloak's endpoint paths relative to the realm issuer. oauth2-mock-server builds discovery
 * URLs as issuer + path, so with issuer `<base>/realms/<realm>` these give Keycloak's layout;
 * the realm router strips `/realms/<realm>` before handing requests to the library.
 */
export const keycloakEndpoints = {
  wellKnownDocument: '/.well-known/openid-configuration',
  token: '/protocol/openid-connect/token',
  jwks: '/protocol/openid-connect/certs',
  authorize: '/protocol/openid-connect/auth',
  userinfo: '/protocol/openid-connect/userinfo',
  revoke: '/protocol/openid-connect/revoke',
  endSession: '/protocol/openid-connect/logout',
  introspect: '/protocol/openid-connect/token/introspect',
} as const satisfies OAuth2EndpointsInput;

export const realmPath = (realm: string): string => `/realms/${encodeURIComponent(realm)}`;
