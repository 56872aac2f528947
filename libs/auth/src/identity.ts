import type { Tier } from '@tp/tiers';

/** Who is calling, as established from a verified access token. */
export interface Identity {
  userId: string;
  email: string | null;
  username: string | null;
  /** Realm roles plus this gateway's own client roles; other clients' roles are never here. */
  roles: string[];
  tier: Tier;
}

export const PREMIUM_ROLE = 'premium-user';
export const ADMIN_ROLE = 'admin';
/** The gateway's Keycloak client when none is configured (KEYCLOAK_CLIENT_ID). */
export const DEFAULT_CLIENT_ID = 'api-gateway';

interface KeycloakClaims {
  sub?: unknown;
  email?: unknown;
  preferred_username?: unknown;
  realm_access?: { roles?: unknown };
  resource_access?: unknown;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** `resource_access[clientId].roles`, read without trusting the claim's shape (or its prototype). */
function clientRoles(resourceAccess: unknown, clientId: string): string[] {
  if (!resourceAccess || typeof resourceAccess !== 'object') return [];
  if (!Object.prototype.hasOwnProperty.call(resourceAccess, clientId)) return [];
  const client = (resourceAccess as Record<string, { roles?: unknown } | undefined>)[clientId];
  return stringList(client?.roles);
}

/**
 * Maps Keycloak's claim layout to our Identity. Roles are the realm roles plus the roles of
 * this gateway's own client: in a shared realm another client's `admin` must grant nothing here.
 */
export function identityFromClaims(claims: KeycloakClaims, clientId = DEFAULT_CLIENT_ID): Identity | undefined {
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) return undefined;
  const roles = new Set([...stringList(claims.realm_access?.roles), ...clientRoles(claims.resource_access, clientId)]);
  return {
    userId: claims.sub,
    email: typeof claims.email === 'string' ? claims.email : null,
    username: typeof claims.preferred_username === 'string' ? claims.preferred_username : null,
    roles: [...roles],
    tier: roles.has(PREMIUM_ROLE) ? 'PREMIUM' : 'FREE',
  };
}
