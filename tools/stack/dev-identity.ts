import { defaultDevUsers, startDevIdentityProvider, type DevIdentityProvider } from '@tp/dev-identity-provider';
import type { StackConfig } from './stack-config';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

async function answersDiscovery(config: StackConfig): Promise<boolean> {
  const url = `${config.KEYCLOAK_URL.replace(/(?<!\/)\/+$/, '')}/realms/${config.KEYCLOAK_REALM}/.well-known/openid-configuration`;
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1500) })).ok;
  } catch {
    return false;
  }
}

/**
 * Starts the Keycloak stand-in on KEYCLOAK_URL's port when no identity provider answers
 * there (or when forced), so the README's curl works the same against either.
 */
export async function startDevIdentityIfNeeded(config: StackConfig): Promise<DevIdentityProvider | undefined> {
  if (config.DEV_IDENTITY_PROVIDER === 'false') return undefined;
  const url = new URL(config.KEYCLOAK_URL);
  if (config.DEV_IDENTITY_PROVIDER === 'auto') {
    if (!LOCAL_HOSTS.has(url.hostname) || (await answersDiscovery(config))) return undefined;
  }
  return startDevIdentityProvider({
    port: Number(url.port || 80),
    realm: config.KEYCLOAK_REALM,
    clientId: config.DEV_IDP_CLIENT_ID,
    clientSecret: config.DEV_IDP_CLIENT_SECRET,
    audience: config.KEYCLOAK_AUDIENCE,
    users: defaultDevUsers(config.DEV_IDP_PASSWORD),
    publicUrl: config.KEYCLOAK_URL.replace(/(?<!\/)\/+$/, ''),
  });
}
