import { randomBytes } from 'node:crypto';
import { UPSTREAMS } from '@tp/config';
import {
  DEV_PASSWORD,
  createTestDatabase,
  ensureTemplateDatabase,
  keycloakEnvFor,
  loadTestConfig,
  startS3Server,
  startServiceProcess,
  startTestIdentityProvider,
  type ServiceProcess,
} from '@tp/testing';
import { startCountingProxy, type CountingProxy } from '../../apps/edge/tests/support/counting-proxy';

export interface AbuseStack {
  edgeUrl: string;
  /** JWKS downloads the edge made so far (own stack only: the edge reaches the IdP through a counter). */
  jwksDownloads?: () => number;
  /** A password-grant token of a seeded user (own stack only). */
  tokenFor?: (email: string) => Promise<string>;
  stop: () => Promise<void>;
}

/**
 * The whole stack on free loopback ports, as the tests run it: a cloned database, the dev
 * identity provider, s3rver and every routed service plus the edge as real processes with
 * their production defaults.
 */
export async function startAbuseStack(say: (line: string) => void): Promise<AbuseStack> {
  const { TEST_POSTGRES_URL, TEST_REDIS_URL } = loadTestConfig();
  await ensureTemplateDatabase(TEST_POSTGRES_URL);
  const db = await createTestDatabase();
  const idp = await startTestIdentityProvider();
  const s3 = await startS3Server();
  const jwks: CountingProxy = await startCountingProxy(idp.baseUrl);
  const unique = randomBytes(6).toString('hex');
  const env = { ...keycloakEnvFor(idp), DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn' };
  const started: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((service) => service.stop()));
    await Promise.all([idp.stop(), s3.close(), jwks.close()]);
    await db.drop();
  };
  try {
    say(`starting ${UPSTREAMS.map((spec) => spec.name).join(', ')} and edge on free ports …`);
    const uploadEnv = { S3_ENDPOINT: s3.endpoint, S3_BUCKET: `abuse-${unique}`, UPLOAD_QUEUE_NAME: `abuse-${unique}`, UPLOAD_SLOT_PREFIX: `upload-slots:abuse:${unique}:` };
    // Every service the edge routes to (the manifest's upstreams), then the edge pointed at them.
    const services = await Promise.all(UPSTREAMS.map((spec) => startServiceProcess(spec.name, spec.name === 'upload' ? { ...env, ...uploadEnv } : env)));
    started.push(...services);
    const upstreamUrls = Object.fromEntries(UPSTREAMS.map((spec, index) => [spec.upstreamVariable, services[index]!.url]));
    const edge = await startServiceProcess(
      'edge',
      {
        ...env,
        // Through the counter, so the health flood's JWKS downloads can be counted; tokens keep their issuer.
        KEYCLOAK_URL: jwks.url,
        KEYCLOAK_ISSUERS: idp.issuer,
        ...upstreamUrls,
        RATE_LIMIT_PREFIX: `rl:abuse:${unique}:`,
      },
    );
    started.push(edge);
    const jwksPath = new URL(idp.jwksUri).pathname;
    return { edgeUrl: edge.url, jwksDownloads: () => jwks.count(jwksPath), tokenFor: (email) => idp.passwordGrant(email, DEV_PASSWORD), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
