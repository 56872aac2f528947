import { randomUUID } from 'node:crypto';
import { findUser, type KeycloakSession, type RealmSettings } from './realm-settings';

export type TokenRequestOutcome =
  | { ok: true; session: KeycloakSession }
  | { ok: false; status: number; error: string; errorDescription: string };

const fail = (status: number, error: string, errorDescription: string): TokenRequestOutcome => ({
  ok: false,
  status,
  error,
  errorDescription,
});

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Client credentials from HTTP Basic (form-urlencoded parts, RFC 6749 §2.3.1) or the form body. */
function clientCredentials(body: Record<string, unknown>, authorization: string | undefined) {
  const match = /^Basic\s+(\S.*)$/i.exec(authorization ?? '');
  if (match?.[1]) {
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const decode = (part: string) => {
      try {
        return decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        return part;
      }
    };
    if (colon >= 0) return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  }
  return { id: str(body['client_id']), secret: str(body['client_secret']) };
}

/**
 * Decides a token request the way Keycloak would for one confidential client.
 * `refreshSession` resolves refresh tokens we handed out earlier.
 */
export function authenticateTokenRequest(
  settings: RealmSettings,
  body: Record<string, unknown>,
  authorization: string | undefined,
  refreshSession: (token: string) => KeycloakSession | undefined,
): TokenRequestOutcome {
  const client = clientCredentials(body, authorization);
  // Plain comparison is fine: this is a dev stand-in with a published dev secret.
  if (client.id !== settings.clientId || client.secret !== settings.clientSecret) {
    return fail(401, 'invalid_client', 'Invalid client or Invalid client credentials');
  }
  const newSession = (user?: KeycloakSession['user']): KeycloakSession => ({
    id: randomUUID(),
    authTime: Math.floor(Date.now() / 1000),
    ...(user ? { user } : {}),
  });

  switch (body['grant_type']) {
    case 'password': {
      const user = findUser(settings.users, str(body['username']) ?? '');
      if (!user || user.password !== str(body['password'])) {
        return fail(400, 'invalid_grant', 'Invalid user credentials');
      }
      return { ok: true, session: newSession(user) };
    }
    case 'client_credentials':
      return { ok: true, session: newSession() };
    case 'refresh_token': {
      const session = refreshSession(str(body['refresh_token']) ?? '');
      return session ? { ok: true, session } : fail(400, 'invalid_grant', 'Invalid refresh token');
    }
    default:
      return fail(400, 'unsupported_grant_type', 'Unsupported grant_type');
  }
}
