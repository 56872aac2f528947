import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMPOSE_SECRETS, renderComposeEnv } from '../../tools/compose/compose-env';
import { resolvedCompose, tempFile } from './support/compose-cli';
import { byKind, named, renderKustomization, type K8sObject } from './support/kustomize';
import { REPO_ROOT } from './support/repo-paths';

const services = resolvedCompose(tempFile('hardening.env', renderComposeEnv())).services;
const raw = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[] }> };
const realm = (path: string) => JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as Record<string, unknown> & { users?: unknown[] };
const k8s = renderKustomization('deploy/k8s/overlays/example');
const configMap = byKind(k8s, 'ConfigMap').find((object) => object.metadata.name.startsWith('toolsplatform-config')) as K8sObject;

describe('Keycloak (docker-compose.yml)', () => {
  const keycloak = services.keycloak!;

  it('runs in production mode with its hostname set', () => {
    expect(keycloak.command?.[0]).toBe('start');
    expect(keycloak.command).toContain('--import-realm');
    expect(keycloak.environment?.['KC_HOSTNAME']).toMatch(/^https?:\/\/\S+$/);
  });

  it('imports only the production realm file: external SSL, brute-force protection, no users', () => {
    expect(raw.services['keycloak']?.volumes).toEqual(['./deploy/keycloak/toolsplatform-realm.json:/opt/keycloak/data/import/toolsplatform-realm.json:ro']);
    const production = realm('deploy/keycloak/toolsplatform-realm.json');
    expect(production).toMatchObject({ sslRequired: 'external', bruteForceProtected: true, permanentLockout: false });
    expect(production.users).toBeUndefined();
    expect(JSON.stringify(production)).not.toContain('TP_DEMO_USER_PASSWORD');
  });

  it('keeps the demo users in the dev realm file only, whose password Compose never receives', () => {
    expect(realm('deploy/keycloak/dev/toolsplatform-realm.json').users).toHaveLength(3);
    expect(COMPOSE_SECRETS.map((secret) => secret.name)).not.toContain('TP_DEMO_USER_PASSWORD');
    expect(JSON.stringify(services)).not.toContain('TP_DEMO_USER_PASSWORD');
  });
});

describe('KEYCLOAK_ALLOWED_AZP', () => {
  it('is api-gateway for every Compose service that verifies tokens, and in the k8s ConfigMap', () => {
    const verifying = Object.entries(services).filter(([, service]) => service.environment?.['KEYCLOAK_URL']);
    expect(verifying.map(([name]) => name).sort()).toEqual(['edge', 'flags', 'upload', 'upload-worker', 'user']);
    for (const [name, service] of verifying) expect({ name, azp: service.environment?.['KEYCLOAK_ALLOWED_AZP'] }).toEqual({ name, azp: 'api-gateway' });
    expect(configMap.data?.['KEYCLOAK_ALLOWED_AZP']).toBe('api-gateway');
  });
});

describe('Redis ACL users', () => {
  const userOf = (url: string | null | undefined) => (url ? new URL(url).username : undefined);

  it('gives the edge user edge and every other Redis client user app (Compose)', () => {
    const clients = Object.entries(services).filter(([, service]) => service.environment?.['REDIS_URL']);
    const users = Object.fromEntries(clients.map(([name, service]) => [name, userOf(service.environment?.['REDIS_URL'])]));
    expect(users).toEqual({ edge: 'edge', user: 'app', flags: 'app', billing: 'app', upload: 'app', 'upload-worker': 'app' });
  });

  it('limits user edge to rl:* keys, no channels, and the rate limiter’s commands (Compose)', () => {
    const command = services.redis!.command ?? [];
    const start = command.indexOf('edge');
    const rules = command.slice(start + 1, command.indexOf('--user', start));
    expect(rules.filter((rule) => /^[~%&]|^(?:allkeys|allchannels|resetkeys|resetchannels)$/.test(rule))).toEqual(['resetkeys', '~rl:*', 'resetchannels']);
    expect(rules).toContain('-@all');
    expect(rules.filter((rule) => rule.startsWith('+@'))).toEqual([]);
    // The edge keeps the default rate-limit prefix its keys are matched by.
    expect(services.edge!.environment?.['RATE_LIMIT_PREFIX'] ?? 'rl:').toMatch(/^rl:/);
  });

  it('documents the same rules for a cluster’s Redis in deploy/README.md', () => {
    const readme = readFileSync(join(REPO_ROOT, 'deploy/README.md'), 'utf8');
    const command = services.redis!.command ?? [];
    for (const user of ['edge', 'app']) {
      const start = command.indexOf(user);
      const end = command.indexOf('--user', start);
      const rules = command.slice(start + 2, end === -1 ? undefined : end).filter((rule) => !rule.startsWith('>'));
      expect(readme).toContain(`user ${user} on >… ${rules.join(' ')}\n`);
    }
  });

  it('gives the edge its own Secret key in k8s (EDGE_REDIS_URL), the others REDIS_URL', () => {
    const keys = Object.fromEntries(
      byKind(k8s, 'Deployment').map((deployment) => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const env = deployment.spec.template.spec.containers[0].env.find((entry: any) => entry.name === 'REDIS_URL');
        return [deployment.metadata.name, env?.valueFrom?.secretKeyRef?.key];
      }),
    );
    expect(keys).toEqual({ edge: 'EDGE_REDIS_URL', user: 'REDIS_URL', flags: 'REDIS_URL', billing: 'REDIS_URL', upload: 'REDIS_URL', 'upload-worker': 'REDIS_URL' });
  });
});

describe('access logs without query strings', () => {
  const QUERY_BEARING = /\$(?:request\b|request_uri|args|query_string|arg_\w+|http_referer|remote_user)/;

  it('nginx.conf logs with its own format: the path ($uri), never the query', () => {
    const conf = readFileSync(join(REPO_ROOT, 'deploy/nginx/nginx.conf'), 'utf8').replace(/#.*/g, '');
    const formats = [...conf.matchAll(/log_format\s+(\w+)\s([^;]*);/g)];
    expect(formats.map((format) => format[1])).toEqual(['tp_no_query']);
    expect(formats[0]![2]).toContain('$uri');
    expect(formats[0]![2]).not.toMatch(QUERY_BEARING);
    expect([...conf.matchAll(/access_log\s([^;]*);/g)].map((line) => line[1]!.trim())).toEqual(['/dev/stdout tp_no_query', 'off']);
  });

  it('the ingress-nginx controller ConfigMap (and its Helm values) log the same way', () => {
    const controller = named(renderKustomization('deploy/k8s/ingress-nginx'), 'ConfigMap', 'ingress-nginx-controller');
    expect(controller?.metadata.namespace).toBe('ingress-nginx');
    const format = controller?.data?.['log-format-upstream'] ?? '';
    expect(format).toContain('$uri');
    expect(format).not.toMatch(QUERY_BEARING);
    const values = parse(readFileSync(join(REPO_ROOT, 'deploy/k8s/ingress-nginx/values.yaml'), 'utf8'));
    expect(values.controller.config['log-format-upstream']).toBe(format);
  });
});
