export { TokenVerifier, TOKEN_ERRORS, type TokenVerifierOptions } from './token-verifier';
export { createVerifier, type VerifierMetrics } from './create-verifier';
export { authenticate, requireIdentity, type AuthMode } from './authenticate';
export { identityFromClaims, PREMIUM_ROLE, ADMIN_ROLE, DEFAULT_CLIENT_ID, type Identity } from './identity';
export {
  JwksKeyStore,
  DEFAULT_JWKS_CACHE,
  type JwksCacheSettings,
  type JwksFetchOutcome,
  type KeyLookup,
  type UnknownKidAnswer,
} from './jwks-key-store';
