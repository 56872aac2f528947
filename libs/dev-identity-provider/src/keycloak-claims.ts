import { randomUUID } from 'node:crypto';
import type { DevUser } from './dev-user';
import type { KeycloakSession, RealmSettings } from './realm-settings';
import { stableUserId } from './stable-user-id';

export const KEYCLOAK_SCOPE = 'openid profile email';

// Every Keycloak user gets these through the realm's default-roles composite.
const defaultRealmRoles = (realm: string): string[] => [`default-roles-${realm}`, 'offline_access', 'uma_authorization'];
const accountRoles = ['manage-account', 'manage-account-links', 'view-profile'];

const serviceAccountName = (clientId: string): string => `service-account-${clientId}`;

function profileClaims(user: DevUser): Record<string, unknown> {
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  return {
    email: user.email.toLowerCase(),
    email_verified: true,
    preferred_username: user.username.toLowerCase(),
    ...(name ? { name } : {}),
    ...(user.firstName ? { given_name: user.firstName } : {}),
    ...(user.lastName ? { family_name: user.lastName } : {}),
  };
}

export function subjectOf(settings: RealmSettings, session: KeycloakSession): string {
  return stableUserId(session.user ? session.user.email : serviceAccountName(settings.clientId));
}

/** Access token claims in Keycloak's layout (iss/iat/exp are set by oauth2-mock-server). */
export function accessTokenClaims(settings: RealmSettings, session: KeycloakSession): Record<string, unknown> {
  const common = {
    auth_time: session.authTime,
    jti: randomUUID(),
    aud: settings.audience,
    sub: subjectOf(settings, session),
    typ: 'Bearer',
    azp: settings.clientId,
    acr: '1',
    resource_access: { account: { roles: accountRoles } },
  };
  const { user } = session;
  if (!user) {
    return {
      ...common,
      scope: 'profile email',
      realm_access: { roles: defaultRealmRoles(settings.realm) },
      preferred_username: serviceAccountName(settings.clientId),
      client_id: settings.clientId,
      email_verified: false,
    };
  }
  return {
    ...common,
    sid: session.id,
    session_state: session.id,
    scope: KEYCLOAK_SCOPE,
    realm_access: { roles: [...user.roles, ...defaultRealmRoles(settings.realm)] },
    ...profileClaims(user),
  };
}

/** ID token claims: audience is the client itself, no roles. */
export function idTokenClaims(settings: RealmSettings, session: KeycloakSession): Record<string, unknown> {
  return {
    auth_time: session.authTime,
    jti: randomUUID(),
    aud: settings.clientId,
    sub: subjectOf(settings, session),
    typ: 'ID',
    azp: settings.clientId,
    sid: session.id,
    session_state: session.id,
    acr: '1',
    ...(session.user ? profileClaims(session.user) : {}),
  };
}
