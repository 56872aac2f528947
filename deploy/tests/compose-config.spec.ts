import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STORAGE_DEFAULTS } from '@tp/tiers';
import { loadUploadConfig } from '../../apps/upload/src/config';
import { loadUserConfig } from '../../apps/user/src/config';
import { COMPOSE_SETTINGS, renderComposeEnv } from '../../tools/compose/compose-env';
import { composeConfig, portBinding, resolvedCompose, tempFile } from './support/compose-cli';
import { REPO_ROOT } from './support/repo-paths';

// Recognisable values: any secret-looking setting that does not carry one was written in the file.
let counter = 0;
const markedEnv = tempFile('marked.env', renderComposeEnv(() => `marker${String(++counter).padStart(2, '0')}x0123456789abcdef`));
const compose = resolvedCompose(markedEnv);
const services = compose.services;
const MISSING = /(TP_\w+) is unset; run npm run compose:env/g;
/** The variable Compose's error names: its message comes last (1.29 first dumps the raw mapping). */
const namedVariable = (stderr: string) => [...stderr.matchAll(MISSING)].pop()?.[1];

describe('docker-compose.yml', () => {
  it('validates with an env file from npm run compose:env', () => {
    const generated = tempFile('generated.env', renderComposeEnv());
    const result = composeConfig(generated, ['-q']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('refuses to start without the env file and names the missing variable', () => {
    const result = composeConfig(tempFile('empty.env', ''), ['-q']);
    expect(result.status).not.toBe(0);
    expect(namedVariable(result.stderr)).toMatch(/^TP_/);
  });

  it("is not satisfied by npm start's .env (the dev values production config refuses)", () => {
    const result = composeConfig(join(REPO_ROOT, '.env.example'), ['-q']);
    expect(result.status).not.toBe(0);
    expect(namedVariable(result.stderr)).toMatch(/^TP_/);
  });

  it('takes every password, secret and key from the env file', () => {
    const secretKey = /PASSWORD|SECRET|ACCESS_KEY|_AUTH/;
    const checked: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (!secretKey.test(key) && !/^(?:DATABASE|REDIS)_URL$/.test(key)) continue;
        if (key === 'PADDLE_WEBHOOK_SECRET_PREVIOUS') continue;
        checked.push(`${name}.${key}`);
        expect({ setting: `${name}.${key}`, fromEnvFile: /marker\d\dx/.test(value ?? '') }).toEqual({ setting: `${name}.${key}`, fromEnvFile: true });
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['postgres.POSTGRES_PASSWORD', 'billing.PADDLE_WEBHOOK_SECRET', 'upload.UPLOAD_IP_HASH_SECRET', 'grafana.GF_SECURITY_ADMIN_PASSWORD', 'keycloak.KC_BOOTSTRAP_ADMIN_PASSWORD', 'minio.MINIO_ROOT_PASSWORD', 'upload.S3_SECRET_KEY']));
  });

  it('gives every process that decides a tier the PREMIUM price list from the env file', () => {
    const prices = COMPOSE_SETTINGS.find((setting) => setting.name === 'TP_PADDLE_PREMIUM_PRICE_IDS')?.value;
    const given = ['user', 'flags', 'billing', 'upload', 'upload-worker'].map((name) => [name, services[name]?.environment?.PADDLE_PREMIUM_PRICE_IDS]);
    expect(given).toEqual(given.map(([name]) => [name, prices]));
  });

  it('listens on all interfaces only for the proxy and the S3 API', () => {
    const open: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const port of service.ports ?? []) {
        const { hostIp, target } = portBinding(port);
        if (hostIp !== '127.0.0.1') open.push(`${name}:${target}`);
      }
    }
    expect(open.sort()).toEqual(['minio:9000', 'proxy:8080']);
    expect(services.edge?.ports ?? []).toEqual([]);
  });

  it('lets the edge believe X-Forwarded-For from the proxy address only', () => {
    const proxyAddress = services.proxy?.networks?.public?.ipv4_address;
    expect(proxyAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(services.edge?.environment?.TRUSTED_PROXIES).toBe(proxyAddress);
    expect(Object.keys(services.proxy?.networks ?? {})).toEqual(['public']);
    expect(Object.keys(services.edge?.networks ?? {}).sort()).toEqual(['internal', 'public']);
    const onPublic = Object.entries(services).filter(([, service]) => 'public' in (service.networks ?? {}));
    expect(onPublic.map(([name]) => name).sort()).toEqual(['edge', 'proxy']);
  });

  it('lets the upload service believe X-Forwarded-For only from the internal network the edge is on', () => {
    const internal = compose.networks?.['internal'];
    const subnet = internal?.ipam?.config?.[0]?.subnet;
    expect(subnet).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
    expect(services.upload?.environment?.TRUSTED_PROXIES).toBe(subnet);
    expect(Object.keys(services.upload?.networks ?? {})).toEqual(['internal']);
  });

  it('pins every image tag', () => {
    for (const [name, service] of Object.entries(services)) {
      const tag = /:([^/:]+)$/.exec(service.image ?? '')?.[1];
      expect({ name, tag: tag && tag !== 'latest' ? 'pinned' : tag }).toEqual({ name, tag: 'pinned' });
    }
  });

  it('gives the user and the upload service the same storage limits per tier, the product’s', () => {
    const envOf = (name: string) => Object.fromEntries(Object.entries(services[name]?.environment ?? {}).map(([key, value]) => [key, value ?? '']));
    expect(loadUserConfig(envOf('user')).storage).toEqual(STORAGE_DEFAULTS);
    expect(loadUploadConfig(envOf('upload')).storage).toEqual(STORAGE_DEFAULTS);
    expect(Object.keys(envOf('upload')).filter((key) => key.startsWith('TIER_'))).toHaveLength(9);
  });

  it('builds the five app images once; migrate and the worker reuse them', () => {
    const built = Object.entries(services).filter(([, service]) => service.build).map(([name]) => name);
    expect(built.sort()).toEqual(['billing', 'edge', 'flags', 'upload', 'user']);
    expect(services.migrate).toMatchObject({ image: services.edge?.image, pull_policy: 'never' });
    expect(services['upload-worker']).toMatchObject({ image: services.upload?.image, pull_policy: 'never' });
  });

  it('checks Postgres readiness over TCP, not the init-time Unix socket', () => {
    const test = services.postgres?.healthcheck?.test ?? [];
    expect(test).toEqual(expect.arrayContaining(['pg_isready', '-h', '127.0.0.1']));
  });
});

describe('deploy/nginx/nginx.conf', () => {
  const conf = readFileSync(join(REPO_ROOT, 'deploy/nginx/nginx.conf'), 'utf8').replace(/#.*/g, '');

  it("re-resolves the edge replicas through Docker's DNS", () => {
    expect(conf).toMatch(/resolver\s+127\.0\.0\.11\s+valid=\d+s/);
    // A variable upstream is what makes nginx resolve at request time instead of once at start.
    expect(conf).toMatch(/set\s+\$(\w+)\s+http:\/\/edge:4000;[\s\S]*proxy_pass\s+\$\1;/);
  });

  it("replaces the client's X-Forwarded-For instead of passing it on", () => {
    expect(conf).toMatch(/proxy_set_header\s+X-Forwarded-For\s+\$remote_addr;/);
    expect(conf).not.toMatch(/proxy_add_x_forwarded_for/);
  });

  it('listens on the port docker-compose.yml publishes', () => {
    const published = (services.proxy?.ports ?? []).map((port) => portBinding(port).target);
    expect(published).toHaveLength(1);
    expect(conf).toMatch(new RegExp(`listen\\s+${published[0]};`));
  });
});
