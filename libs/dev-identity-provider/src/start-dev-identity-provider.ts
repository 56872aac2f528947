import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Service } from 'oauth2-mock-server';
import { refuseInProduction } from '@tp/config';
import type { DevIdentityProvider, DevIdentityProviderOptions, IssueTokenOverrides } from './dev-identity-provider';
import { jwksSwitch } from './jwks-switch';
import { installKeycloakTokenHooks } from './install-keycloak-token-hooks';
import { accessTokenClaims } from './keycloak-claims';
import { keycloakEndpoints, realmPath } from './keycloak-endpoints';
import { KeycloakIssuer } from './keycloak-issuer';
import { createRealmRouter } from './realm-router';
import { findUser, type RealmSettings } from './realm-settings';

// Keycloak's defaults: 5 min access tokens, 30 min SSO session idle for refresh tokens.
const DEFAULT_TOKEN_LIFETIME_SECONDS = 300;
const REFRESH_LIFETIME_SECONDS = 1800;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Where this process can reach itself, independent of the advertised publicUrl. */
function loopbackUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/**
 * Starts a Keycloak stand-in: a real OIDC issuer over HTTP (oauth2-mock-server underneath)
 * with Keycloak's realm URL layout, client/user checks and token claims.
 */
export async function startDevIdentityProvider(options: DevIdentityProviderOptions): Promise<DevIdentityProvider> {
  refuseInProduction('The dev identity provider');
  const host = options.host ?? '127.0.0.1';
  const settings: RealmSettings = {
    realm: options.realm,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    audience: options.audience,
    users: options.users,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
    refreshLifetimeSeconds: REFRESH_LIFETIME_SECONDS,
  };

  const issuer = new KeycloakIssuer();
  await issuer.rotateSigningKey();
  const service = new OAuth2Service(issuer, keycloakEndpoints);
  installKeycloakTokenHooks(service, settings);

  const prefix = realmPath(options.realm);
  const jwks = jwksSwitch(`${prefix}${keycloakEndpoints.jwks}`, createRealmRouter(prefix, service.requestHandler));
  const server = createServer(jwks.listener);
  const port = await listen(server, options.port, host);

  const baseUrl = (options.publicUrl ?? `http://localhost:${port}`).replace(/(?<!\/)\/+$/, '');
  issuer.url = `${baseUrl}${prefix}`;
  const issuerUrl = issuer.url;
  const localTokenEndpoint = `${loopbackUrl(host, port)}${prefix}${keycloakEndpoints.token}`;

  return {
    baseUrl,
    issuer: issuerUrl,
    jwksUri: `${issuerUrl}${keycloakEndpoints.jwks}`,
    tokenEndpoint: `${issuerUrl}${keycloakEndpoints.token}`,
    port,

    async issueToken(email: string, overrides: IssueTokenOverrides = {}) {
      const user = findUser(settings.users, email);
      if (!user) throw new Error(`Unknown dev user: ${email}`);
      const session = { id: randomUUID(), authTime: Math.floor(Date.now() / 1000), user };
      return issuer.buildToken({
        expiresIn: overrides.expiresInSeconds ?? settings.tokenLifetimeSeconds,
        scopesOrTransform: (header, payload) => {
          Reflect.deleteProperty(payload, 'nbf');
          Object.assign(payload, accessTokenClaims(settings, session), overrides.claims);
          Object.assign(header, overrides.header);
          for (const claim of overrides.omit ?? []) Reflect.deleteProperty(payload, claim);
        },
      });
    },

    async passwordGrant(username: string, password: string) {
      // Goes to the bound address, not publicUrl, which may only resolve from elsewhere (e.g. Docker).
      const response = await fetch(localTokenEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: settings.clientId,
          client_secret: settings.clientSecret,
          username,
          password,
          scope: 'openid',
        }),
      });
      const body = (await response.json()) as Record<string, unknown>;
      if (!response.ok || typeof body['access_token'] !== 'string') {
        throw new Error(`Password grant for ${username} failed (${response.status}): ${JSON.stringify(body)}`);
      }
      return body['access_token'];
    },

    async rotateKey(rotateOptions: { removeOld?: boolean } = {}) {
      return { kid: await issuer.rotateSigningKey(rotateOptions.removeOld ?? false) };
    },

    get signingKid() {
      return issuer.signingKid ?? '';
    },

    setJwksAvailable: jwks.setAvailable,
    jwksRequests: jwks.requests,

    stop() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets from clients (jwks-rsa, fetch) would otherwise hold close() open.
        server.closeAllConnections();
      });
    },
  };
}
