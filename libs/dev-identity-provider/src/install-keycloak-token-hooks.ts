import type { IncomingMessage } from 'node:http';
import type { MutableResponse, MutableToken, OAuth2Service, TokenRequestIncomingMessage } from 'oauth2-mock-server';
import { authenticateTokenRequest, type TokenRequestOutcome } from './authenticate-token-request';
import { accessTokenClaims, idTokenClaims, KEYCLOAK_SCOPE } from './keycloak-claims';
import type { KeycloakSession, RealmSettings } from './realm-settings';

interface RequestState {
  outcome: TokenRequestOutcome;
  /** oauth2-mock-server signs the access token first, then the id_token, for the same request. */
  tokensSigned: number;
}

/**
 * oauth2-mock-server issues tokens to anyone; these hooks add Keycloak's client and user checks,
 * claims and response shape. A rejected request still gets tokens signed by the library, but its
 * response is replaced by the error before anything leaves the process.
 */
export function installKeycloakTokenHooks(service: OAuth2Service, settings: RealmSettings): void {
  const requests = new WeakMap<IncomingMessage, RequestState>();
  const refreshTokens = new Map<string, { session: KeycloakSession; expiresAt: number }>();

  const refreshSession = (token: string): KeycloakSession | undefined => {
    const entry = refreshTokens.get(token);
    return entry && entry.expiresAt > Date.now() ? entry.session : undefined;
  };
  const rememberRefreshToken = (token: string, session: KeycloakSession) => {
    const now = Date.now();
    for (const [key, entry] of refreshTokens) if (entry.expiresAt <= now) refreshTokens.delete(key);
    refreshTokens.set(token, { session, expiresAt: now + settings.refreshLifetimeSeconds * 1000 });
  };
  const stateOf = (req: TokenRequestIncomingMessage): RequestState => {
    let state = requests.get(req);
    if (!state) {
      const body = req.body as unknown as Record<string, unknown>;
      state = { outcome: authenticateTokenRequest(settings, body, req.headers.authorization, refreshSession), tokensSigned: 0 };
      requests.set(req, state);
    }
    return state;
  };

  service.on('beforeTokenSigning', (token: MutableToken, req: TokenRequestIncomingMessage) => {
    const state = stateOf(req);
    if (!state.outcome.ok) return;
    const { session } = state.outcome;
    const claims = state.tokensSigned++ === 0 ? accessTokenClaims(settings, session) : idTokenClaims(settings, session);
    // The library applies its own 3600 s lifetime, a generic `scope` and an `nbf` Keycloak does not set.
    Object.assign(token.payload, claims, { exp: token.payload.iat + settings.tokenLifetimeSeconds });
    Reflect.deleteProperty(token.payload, 'nbf');
  });

  service.on('beforeResponse', (response: MutableResponse, req: TokenRequestIncomingMessage) => {
    const { outcome } = stateOf(req);
    if (!outcome.ok) {
      response.statusCode = outcome.status;
      response.body = { error: outcome.error, error_description: outcome.errorDescription };
      return;
    }
    const libraryBody = response.body === '' ? {} : response.body;
    const refreshToken = typeof libraryBody['refresh_token'] === 'string' ? libraryBody['refresh_token'] : undefined;
    const isUser = Boolean(outcome.session.user);
    if (refreshToken && isUser) rememberRefreshToken(refreshToken, outcome.session);
    response.statusCode = 200;
    // Field set and order of Keycloak's token response.
    response.body = {
      access_token: libraryBody['access_token'],
      expires_in: settings.tokenLifetimeSeconds,
      refresh_expires_in: isUser ? settings.refreshLifetimeSeconds : 0,
      ...(isUser && refreshToken ? { refresh_token: refreshToken } : {}),
      token_type: 'Bearer',
      ...(isUser && libraryBody['id_token'] ? { id_token: libraryBody['id_token'] } : {}),
      'not-before-policy': 0,
      ...(isUser ? { session_state: outcome.session.id } : {}),
      scope: isUser ? KEYCLOAK_SCOPE : 'profile email',
    };
  });
}
