import type { Tier } from '@tp/tiers';

/** Who is calling, as established from a verified access token. */
export interface Identity {
  userId: string;
  email: string | null;
  username: string | null;
  roles: string[];
  tier: Tier;
}

export const PREMIUM_ROLE = 'premium-user';
export const ADMIN_ROLE = 'admin';

interface KeycloakClaims {
  sub?: unknown;
  email?: unknown;
  preferred_username?: unknown;
  realm_access?: { roles?: unknown };
  resource_access?: Record<string, { roles?: unknown }>;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Maps Keycloak's claim layout (realm roles + client roles) to our Identity. */
export function identityFromClaims(claims: KeycloakClaims): Identity | undefined {
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) return undefined;
  const roles = new Set(stringList(claims.realm_access?.roles));
  for (const client of Object.values(claims.resource_access ?? {})) {
    for (const role of stringList(client?.roles)) roles.add(role);
  }
  return {
    userId: claims.sub,
    email: typeof claims.email === 'string' ? claims.email : null,
    username: typeof claims.preferred_username === 'string' ? claims.preferred_username : null,
    roles: [...roles],
    tier: roles.has(PREMIUM_ROLE) ? 'PREMIUM' : 'FREE',
  };
}
