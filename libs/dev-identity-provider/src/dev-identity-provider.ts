import type { DevUser } from './dev-user';

export interface DevIdentityProviderOptions {
  /** 0 = random free port (tests). */
  port: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  realm: string;
  clientId: string;
  clientSecret: string;
  /** Value of the access token's `aud` claim (Keycloak adds it with an audience mapper). */
  audience: string;
  users: DevUser[];
  /** Access token lifetime; default 300 like Keycloak. */
  tokenLifetimeSeconds?: number;
  /** Base URL put into `iss` and the discovery document; default http://localhost:<port>. */
  publicUrl?: string;
}

export interface IssueTokenOverrides {
  /** Claims set after the Keycloak claims, e.g. `{ exp: past }` or `{ aud: 'other' }`. */
  claims?: Record<string, unknown>;
  /** Claims removed from the token, e.g. `['exp']`. */
  omit?: string[];
  /** JWT header overrides, e.g. `{ kid: 'unknown' }`; the token is still signed with the current key. */
  header?: Record<string, unknown>;
  expiresInSeconds?: number;
}

export interface DevIdentityProvider {
  /** Base URL without the realm, e.g. http://localhost:8180 (what KEYCLOAK_URL would be). */
  baseUrl: string;
  /** `<baseUrl>/realms/<realm>`, the `iss` of every token. */
  issuer: string;
  jwksUri: string;
  tokenEndpoint: string;
  port: number;
  /** Signs a token directly with the current key, for tests that need unusual claims. */
  issueToken(email: string, overrides?: IssueTokenOverrides): Promise<string>;
  /** Fetches an access token the way a client does: HTTP password grant on the token endpoint. */
  passwordGrant(username: string, password: string): Promise<string>;
  /** Adds a new RS256 signing key; the old one stays in the JWKS unless `removeOld`. */
  rotateKey(options?: { removeOld?: boolean }): Promise<{ kid: string }>;
  /** The kid new tokens are signed with. */
  readonly signingKid: string;
  /** false: the JWKS endpoint answers 503 (an IdP outage) until set back to true. */
  setJwksAvailable(available: boolean): void;
  /** JWKS requests received so far (served or refused), to assert how often verifiers fetch. */
  jwksRequests(): number;
  stop(): Promise<void>;
}
