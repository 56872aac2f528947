export { TokenVerifier, TOKEN_ERRORS, type TokenVerifierOptions } from './token-verifier';
export { authenticate, requireIdentity, type AuthMode } from './authenticate';
export { identityFromClaims, PREMIUM_ROLE, ADMIN_ROLE, type Identity } from './identity';
export { SigningKeyCache, type JwksFetchOutcome } from './signing-key-cache';
