import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SERVICES, UPSTREAMS, type ServiceSpec } from '@tp/config';
import { renderComposeEnv } from '../../tools/compose/compose-env';
import { resolvedCompose, tempFile } from './support/compose-cli';
import { named, renderKustomization, type K8sObject } from './support/kustomize';
import { REPO_ROOT } from './support/repo-paths';

// Every process of libs/config/src/services.ts, as each deployment runs it: its name, image,
// ports, the bundle the image's CMD starts (with the manifest's Node flags) and its scrape job.
const compose = resolvedCompose(tempFile('generated.env', renderComposeEnv())).services;
const k8s = renderKustomization('deploy/k8s/overlays/example');
const prometheus = parse(readFileSync(join(REPO_ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8')) as {
  scrape_configs: Array<{ job_name: string; dns_sd_configs?: Array<{ names: string[]; port: number }> }>;
};

/** The bundle the image runs when APP_ENTRY is not set (Dockerfile). */
const imageDefault = (spec: ServiceSpec) => `dist/apps/${spec.app}/main.js`;
const ourImages = (image: string | undefined) => /^toolsplatform\//.test(image ?? '');
const container = (name: string) => (named(k8s, 'Deployment', name) as K8sObject | undefined)?.spec.template.spec.containers[0];
/** The ConfigMap a Deployment's container reads (kustomize names it with a content hash). */
const configOf = (name: string): Record<string, string> => named(k8s, 'ConfigMap', container(name)?.envFrom?.[0]?.configMapRef?.name)?.data ?? {};

describe('the service manifest in docker-compose.yml', () => {
  it.each(SERVICES.map((spec) => [spec.name, spec] as const))('runs %s from its image and bundle on its manifest ports', (name, spec) => {
    const service = compose[name];
    const env = service?.environment ?? {};
    expect({
      image: service?.image?.replace(/:[^:/]+$/, ''),
      port: env[spec.port.variable],
      metricsPort: env[spec.metricsPort.variable],
      health: env['HEALTHCHECK_URL'],
      bundle: env['APP_ENTRY'] ?? imageDefault(spec),
      command: service?.command,
    }).toEqual({
      image: `toolsplatform/${spec.app}`,
      port: String(spec.port.default),
      metricsPort: String(spec.metricsPort.default),
      health: `http://127.0.0.1:${spec.port.default}/health/ready`,
      bundle: spec.bundle,
      command: undefined,
    });
  });

  it('points the edge at every upstream by its compose name, and runs no other service of ours', () => {
    const edge = compose['edge']?.environment ?? {};
    expect(UPSTREAMS.map((spec) => edge[spec.upstreamVariable])).toEqual(UPSTREAMS.map((spec) => `http://${spec.name}:${spec.port.default}`));
    const ours = Object.entries(compose).filter(([name, service]) => ourImages(service.image) && name !== 'migrate');
    expect(ours.map(([name]) => name).sort()).toEqual(SERVICES.map((spec) => spec.name).sort());
  });
});

describe('the service manifest in deploy/k8s', () => {
  it.each(SERVICES.map((spec) => [spec.name, spec] as const))('runs %s from its image and bundle on its manifest ports, scraped there', (name, spec) => {
    const deployment = named(k8s, 'Deployment', name) as K8sObject | undefined;
    const main = container(name);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const portOf = (portName: string) => main?.ports?.find((port: any) => port.name === portName)?.containerPort;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const appEntry = main?.env?.find((entry: any) => entry.name === 'APP_ENTRY')?.value;
    expect({
      image: String(main?.image).replace(/:[^:/]+$/, '').split('/').slice(-2).join('/'),
      http: portOf('http'),
      metrics: portOf('metrics'),
      scrapePort: deployment?.spec.template.metadata.annotations?.['prometheus.io/port'],
      port: configOf(name)[spec.port.variable],
      metricsPort: configOf(name)[spec.metricsPort.variable],
      bundle: appEntry ?? imageDefault(spec),
      command: main?.command,
    }).toEqual({
      image: `toolsplatform/${spec.app}`,
      http: spec.port.default,
      metrics: spec.metricsPort.default,
      scrapePort: String(spec.metricsPort.default),
      port: String(spec.port.default),
      metricsPort: String(spec.metricsPort.default),
      bundle: spec.bundle,
      command: undefined,
    });
  });

  it('gives every upstream a Service the edge reaches it by, and runs no other Deployment', () => {
    expect(UPSTREAMS.map((spec) => [configOf('edge')[spec.upstreamVariable], named(k8s, 'Service', spec.name)?.spec.ports[0].port])).toEqual(
      UPSTREAMS.map((spec) => [`http://${spec.name}:${spec.port.default}`, spec.port.default]),
    );
    const deployments = k8s.filter((object) => object.kind === 'Deployment').map((object) => object.metadata.name);
    expect(deployments.sort()).toEqual(SERVICES.map((spec) => spec.name).sort());
  });
});

describe('the service manifest in deploy/prometheus/prometheus.yml', () => {
  it('scrapes every process by its compose name on its manifest metrics port', () => {
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((job) => [job.job_name, job.dns_sd_configs?.[0]]));
    expect(SERVICES.map((spec) => [spec.name, jobs[spec.name]])).toEqual(
      SERVICES.map((spec) => [spec.name, expect.objectContaining({ names: [spec.name], port: spec.metricsPort.default })]),
    );
  });
});
