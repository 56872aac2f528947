import type { DevUser } from './dev-user';

/** What the token endpoint needs to know about the realm and its single confidential client. */
export interface RealmSettings {
  realm: string;
  clientId: string;
  clientSecret: string;
  audience: string;
  users: DevUser[];
  tokenLifetimeSeconds: number;
  refreshLifetimeSeconds: number;
}

/** A login; `user` is undefined for the client's service account (client_credentials). */
export interface KeycloakSession {
  id: string;
  authTime: number;
  user?: DevUser;
}

/** Keycloak matches logins case-insensitively on username or email. */
export function findUser(users: DevUser[], login: string): DevUser | undefined {
  const wanted = login.trim().toLowerCase();
  return users.find((u) => u.username.toLowerCase() === wanted || u.email.toLowerCase() === wanted);
}
