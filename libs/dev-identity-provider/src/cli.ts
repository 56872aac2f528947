/**
 * Runs the Keycloak stand-in on its own: `tsx libs/dev-identity-provider/src/cli.ts [port]`.
 * Defaults mirror the dev Keycloak realm so the gateway's dev config works unchanged.
 */
import { ConfigError } from '@tp/config';
import { defaultDevUsers } from './default-dev-users';
import { startDevIdentityProvider } from './start-dev-identity-provider';

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 8180);
  const idp = await startDevIdentityProvider({
    port,
    realm: 'toolsplatform',
    clientId: 'api-gateway',
    clientSecret: 'api-gateway-dev-secret',
    audience: 'api-gateway',
    users: defaultDevUsers('password'),
  });
  console.log(`dev identity provider (Keycloak stand-in) listening, issuer ${idp.issuer}`);

  const shutdown = () => {
    idp.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exitCode = 1;
});
