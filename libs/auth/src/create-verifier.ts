import { TokenVerifier, type TokenVerifierOptions } from './token-verifier';

/** The JWKS callbacks a service feeds its metrics from (`jwksMetrics(registry)` in libs/metrics). */
export type VerifierMetrics = Pick<TokenVerifierOptions, 'onJwksFetch' | 'onUnknownKid'>;

/** A service's token verifier from its `config.auth` (keycloakConfig), with its JWKS metrics when it serves them. */
export function createVerifier(auth: Omit<TokenVerifierOptions, keyof VerifierMetrics>, metrics: VerifierMetrics = {}): TokenVerifier {
  return new TokenVerifier({ ...auth, ...metrics });
}
