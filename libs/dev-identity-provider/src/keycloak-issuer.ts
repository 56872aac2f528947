import { JWKStore, OAuth2Issuer, type TokenBuildOptions } from 'oauth2-mock-server';

/**
 * oauth2-mock-server's issuer with Keycloak-like key handling.
 * The stock JWKStore picks signing keys round-robin and cannot drop keys, but Keycloak signs
 * with one active key while still publishing older ones. So we pin the signing kid and swap in
 * a fresh store when old keys must disappear; the JWKS handler reads `keys`, so it follows.
 */
export class KeycloakIssuer extends OAuth2Issuer {
  #store = new JWKStore();
  #signingKid: string | undefined;

  override get keys(): JWKStore {
    return this.#store;
  }

  get signingKid(): string | undefined {
    return this.#signingKid;
  }

  /** Generates a new RS256 key and makes it the signing key. */
  async rotateSigningKey(removeOld = false): Promise<string> {
    const store = removeOld ? new JWKStore() : this.#store;
    const jwk = await store.generate('RS256');
    this.#store = store;
    this.#signingKid = jwk.kid;
    return jwk.kid;
  }

  override buildToken(opts?: TokenBuildOptions): Promise<string> {
    return super.buildToken({ ...opts, kid: opts?.kid ?? this.#signingKid });
  }
}
