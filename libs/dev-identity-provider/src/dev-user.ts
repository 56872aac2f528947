/** A user the dev identity provider can log in, standing in for a Keycloak realm user. */
export interface DevUser {
  email: string;
  username: string;
  password: string;
  /** Realm roles granted on top of Keycloak's default realm roles. */
  roles: string[];
  firstName?: string;
  lastName?: string;
}
