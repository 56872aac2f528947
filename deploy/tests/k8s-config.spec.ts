import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES } from '@tp/config';
import { STORAGE_DEFAULTS } from '@tp/tiers';
import { loadBillingConfig } from '../../apps/billing/src/config';
import { loadEdgeConfig } from '../../apps/edge/src/config';
import { loadFlagsConfig } from '../../apps/flags/src/config';
import { loadUploadConfig } from '../../apps/upload/src/config';
import { loadUserConfig } from '../../apps/user/src/config';
import { REPO_ROOT } from './support/repo-paths';
import { byKind, named, renderKustomization, type K8sObject } from './support/kustomize';

const objects = renderKustomization('deploy/k8s/overlays/example');

// Stand-ins for the keys of the Secret the manifests reference (it is never in the repo).
const SECRET_VALUES: Record<string, string> = {
  DATABASE_URL: 'postgres://toolsplatform:pw@db.example.com:5432/toolsplatform',
  REDIS_URL: 'rediss://:pw@redis.example.com:6380',
  S3_ACCESS_KEY: 'access-key',
  S3_SECRET_KEY: 'secret-key',
  PADDLE_WEBHOOK_SECRET: 'pdl_ntfset_from_paddle',
  PADDLE_WEBHOOK_SECRET_PREVIOUS: '',
  UPLOAD_IP_HASH_SECRET: 'a-real-production-ip-hash-secret',
};

/** The environment a Deployment's container would see: its ConfigMap(s) plus its env entries. */
function containerEnv(deployment: K8sObject, rendered: K8sObject[] = objects): Record<string, string> {
  const container = deployment.spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) Object.assign(env, named(rendered, 'ConfigMap', source.configMapRef.name)?.data);
  for (const entry of container.env ?? []) {
    const key = entry.valueFrom?.secretKeyRef?.key;
    env[entry.name] = key === undefined ? entry.value : (SECRET_VALUES[key] as string);
  }
  return env;
}

const deployment = (name: string) => named(objects, 'Deployment', name) as K8sObject;
const containerPort = (name: string, portName: string) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  deployment(name).spec.template.spec.containers[0].ports.find((port: any) => port.name === portName).containerPort;
const servicePort = (name: string) => named(objects, 'Service', name)?.spec.ports[0].port;

describe('deploy/k8s config, read by the real service configs', () => {
  it('starts the edge in production on its container ports, pointing at the Services', () => {
    const config = loadEdgeConfig(containerEnv(deployment('edge')));
    expect(config).toMatchObject({ env: 'production', port: containerPort('edge', 'http'), metricsPort: containerPort('edge', 'metrics') });
    expect(config.clients.trustedProxies).toEqual(['10.244.0.0/16']);
    expect(config.corsOrigins).not.toContain('*');
    for (const [service, url] of Object.entries(config.services)) {
      expect(url).toBe(`http://${service}:${servicePort(service)}`);
    }
  });

  it('starts user, flags and billing on their container ports', () => {
    const loaders = { user: loadUserConfig, flags: loadFlagsConfig, billing: loadBillingConfig };
    for (const [name, load] of Object.entries(loaders)) {
      const config = load(containerEnv(deployment(name)));
      expect({ name, env: config.env, port: config.port, metricsPort: config.metricsPort }).toEqual({
        name,
        env: 'production',
        port: containerPort(name, 'http'),
        metricsPort: containerPort(name, 'metrics'),
      });
    }
  });

  it('starts the upload service and its worker on their container ports', () => {
    const upload = loadUploadConfig(containerEnv(deployment('upload')));
    // The edge's pods are in the pod CIDR the overlay names: only they may name the client.
    expect(upload.clients.trustedProxies).toEqual(['10.244.0.0/16']);
    expect({ port: upload.port, metricsPort: upload.metricsPort }).toEqual({ port: containerPort('upload', 'http'), metricsPort: containerPort('upload', 'metrics') });
    const worker = loadUploadConfig(containerEnv(deployment('upload-worker')));
    expect(worker.workerPorts).toEqual({
      port: containerPort('upload-worker', 'http'),
      metricsPort: containerPort('upload-worker', 'metrics'),
    });
  });

  it("gives every process that decides a tier the overlay's PREMIUM prices; the base alone refuses to start, naming the variable", () => {
    const loaders = { user: loadUserConfig, flags: loadFlagsConfig, billing: loadBillingConfig, upload: loadUploadConfig, 'upload-worker': loadUploadConfig };
    const base = renderKustomization('deploy/k8s/base');
    for (const [name, load] of Object.entries(loaders)) {
      expect({ name, prices: load(containerEnv(deployment(name))).entitlements.premiumPriceIds }).toEqual({
        name,
        prices: ['pri_01examplepremiummonthly0000', 'pri_01examplepremiumyearly00000'],
      });
      const baseDeployment = named(base, 'Deployment', name) as K8sObject;
      expect(() => load(containerEnv(baseDeployment, base))).toThrow(/PADDLE_PREMIUM_PRICE_IDS is missing/);
    }
  });

  it('gives the user and the upload service the same storage limits per tier, the product’s', () => {
    expect(loadUserConfig(containerEnv(deployment('user'))).storage).toEqual(STORAGE_DEFAULTS);
    expect(loadUploadConfig(containerEnv(deployment('upload'))).storage).toEqual(STORAGE_DEFAULTS);
    expect(Object.keys(containerEnv(deployment('user'))).filter((key) => key.startsWith('TIER_'))).toHaveLength(9);
  });

  it('uses only variable names some service config, the manifest or the image reads', () => {
    // The apps' config files and every env fragment a lib or app exports (libs|apps/*/src/**/*env*.ts).
    const fragments = (folder: string) =>
      (readdirSync(join(REPO_ROOT, folder), { recursive: true }) as string[])
        .filter((file) => /\/src\/(?:.*\/)?[^/]*env[^/]*\.ts$/.test(file) && !file.endsWith('.spec.ts'))
        .map((file) => `${folder}/${file}`);
    const envFiles = [...fragments('libs'), ...fragments('apps')];
    const sources = [...envFiles, ...['edge', 'user', 'upload', 'billing', 'flags'].map((app) => `apps/${app}/src/config.ts`)];
    expect(envFiles).toEqual(expect.arrayContaining(['libs/config/src/env-schemas.ts', 'libs/feature-flags/src/flag-env.ts', 'apps/edge/src/edge-env.ts']));
    const schemaText = sources.map((file) => readFileSync(join(REPO_ROOT, file), 'utf8')).join('\n');
    // Ports and upstream URLs are named in the manifest; APP_ENTRY is the bundle the image's CMD runs;
    // the OpenTelemetry SDK reads its own OTEL_* variables (docs/observability.md).
    const sdkReads = ['OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG'];
    const known = new Set(['APP_ENTRY', ...sdkReads, ...SERVICES.flatMap((spec) => [spec.port.variable, spec.metricsPort.variable, 'upstreamVariable' in spec ? spec.upstreamVariable : ''])]);
    const names = new Set(byKind(objects, 'Deployment').flatMap((object) => Object.keys(containerEnv(object))));
    const unknown = [...names].filter((name) => !known.has(name) && !new RegExp(`\\b${name}:`).test(schemaText));
    expect(unknown).toEqual([]);
  });
});
