import { byKind, renderKustomization, type K8sObject } from './support/kustomize';

const objects = renderKustomization('deploy/k8s/overlays/example');
const policies = byKind(objects, 'NetworkPolicy');
const deployments = byKind(objects, 'Deployment');
const jobs = byKind(objects, 'Job');
const workloads = [...deployments, ...jobs];

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
const selects = (selector: Selector | undefined, labels: Record<string, string>) =>
  Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
  (selector?.matchExpressions ?? []).every(({ key, operator, values }) => operator === 'In' && (values ?? []).includes(labels[key] ?? ''));
const selectsAll = (selector: Selector | undefined) => Object.keys(selector?.matchLabels ?? {}).length === 0 && (selector?.matchExpressions ?? []).length === 0;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function describePeer(peer: any): string {
  const namespace = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
  const pods = peer.podSelector?.matchLabels?.['app.kubernetes.io/name'];
  if (peer.ipBlock) return `ip:${peer.ipBlock.cidr}`;
  if (peer.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns') return `ns:${namespace}/dns`;
  return [namespace ? `ns:${namespace}` : null, pods ? `pods:${pods}` : null].filter(Boolean).join('/') || 'anyone';
}

/** Every "<peer>@<port>" a pod of this Deployment accepts, over all policies that select it. */
function allowedSources(deployment: K8sObject): string[] {
  const labels = deployment.spec.template.metadata.labels;
  return policies
    .filter((policy) => selects(policy.spec.podSelector, labels))
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    .flatMap((policy) => (policy.spec.ingress ?? []).flatMap((rule: any) => {
      const peers: string[] = rule.from ? rule.from.map(describePeer) : ['anyone'];
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const ports: string[] = rule.ports ? rule.ports.map((port: any) => String(port.port)) : ['any-port'];
      return peers.flatMap((peer) => ports.map((port) => `${peer}@${port}`));
    }))
    .sort();
}

/** Every "<peer>@<port>" a pod of this workload may connect to, over all policies that select it. */
function allowedDestinations(workload: K8sObject): string[] {
  const labels = workload.spec.template.metadata.labels;
  return policies
    .filter((policy) => selects(policy.spec.podSelector, labels) && (policy.spec.policyTypes ?? []).includes('Egress'))
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    .flatMap((policy) => (policy.spec.egress ?? []).flatMap((rule: any) => {
      const peers: string[] = rule.to ? rule.to.map(describePeer) : ['anywhere'];
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const ports: string[] = rule.ports ? rule.ports.map((port: any) => `${port.port}${port.protocol === 'UDP' ? '/udp' : ''}`) : ['any-port'];
      return peers.flatMap((peer) => ports.map((port) => `${peer}@${port}`));
    }))
    .sort();
}

const DNS = ['ns:kube-system/dns@53', 'ns:kube-system/dns@53/udp'];
const POSTGRES = ['anywhere@5432'];
const REDIS = ['anywhere@6379', 'anywhere@6380'];
const HTTPS = ['anywhere@443'];
// The overlay's collector (otlp-egress.yaml): every traced service, never the migrator.
const OTLP = ['ns:observability@4318'];

describe('deploy/k8s NetworkPolicies', () => {
  it('deny every ingress and egress in the namespace unless a policy allows it', () => {
    const denyAll = policies.filter((policy) => selectsAll(policy.spec.podSelector));
    expect(denyAll).toHaveLength(1);
    expect(denyAll[0]?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it.each([
    ['edge', [...DNS, ...OTLP, ...REDIS, ...HTTPS, 'pods:billing@http', 'pods:flags@http', 'pods:upload@http', 'pods:user@http']],
    ['user', [...DNS, ...OTLP, ...POSTGRES, ...REDIS, ...HTTPS]],
    ['flags', [...DNS, ...OTLP, ...POSTGRES, ...REDIS, ...HTTPS]],
    ['billing', [...DNS, ...OTLP, ...POSTGRES, ...REDIS]],
    ['upload', [...DNS, ...OTLP, ...POSTGRES, ...REDIS, ...HTTPS]],
    ['upload-worker', [...DNS, ...OTLP, ...POSTGRES, ...REDIS, ...HTTPS]],
    ['migrate', [...DNS, ...POSTGRES]],
  ])('let %s reach only DNS and what it uses', (name, expected) => {
    const workload = workloads.find((candidate) => candidate.metadata.name === name) as K8sObject;
    expect(allowedDestinations(workload)).toEqual([...expected].sort());
  });

  it('give every workload (Deployments and the Job) egress rules of its own', () => {
    expect(workloads.map((workload) => workload.metadata.name).sort()).toEqual(['billing', 'edge', 'flags', 'migrate', 'upload', 'upload-worker', 'user']);
    for (const workload of workloads) {
      const labels = workload.spec.template.metadata.labels;
      const own = policies.filter((policy) => Object.keys(policy.spec.podSelector?.matchLabels ?? {}).length > 0 && selects(policy.spec.podSelector, labels));
      expect({ name: workload.metadata.name, egress: own.map((policy) => policy.spec.policyTypes) }).toEqual({ name: workload.metadata.name, egress: [['Ingress', 'Egress']] });
    }
  });

  it('let only the ingress controller reach the edge, and Prometheus its metrics port', () => {
    const edge = deployments.find((deployment) => deployment.metadata.name === 'edge') as K8sObject;
    expect(allowedSources(edge)).toEqual(['ns:ingress-nginx/pods:ingress-nginx@http', 'ns:monitoring@metrics']);
  });

  it('let only the edge call each service, and Prometheus its metrics port', () => {
    for (const name of ['billing', 'flags', 'upload', 'user']) {
      const deployment = deployments.find((candidate) => candidate.metadata.name === name) as K8sObject;
      expect({ name, sources: allowedSources(deployment) }).toEqual({ name, sources: ['ns:monitoring@metrics', 'pods:edge@http'] });
    }
  });

  it('let nothing but Prometheus reach the upload worker', () => {
    const worker = deployments.find((deployment) => deployment.metadata.name === 'upload-worker') as K8sObject;
    expect(allowedSources(worker)).toEqual(['ns:monitoring@metrics']);
  });

  it('cover every pod with a policy of its own, whose named ports exist on its container', () => {
    for (const deployment of deployments) {
      const labels = deployment.spec.template.metadata.labels;
      const own = policies.filter((policy) => Object.keys(policy.spec.podSelector?.matchLabels ?? {}).length > 0 && selects(policy.spec.podSelector, labels));
      expect({ name: deployment.metadata.name, policies: own.length }).toEqual({ name: deployment.metadata.name, policies: 1 });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const portNames = deployment.spec.template.spec.containers.flatMap((container: any) => container.ports.map((port: any) => port.name));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const used = own.flatMap((policy) => policy.spec.ingress.flatMap((rule: any) => rule.ports.map((port: any) => port.port)));
      for (const port of used) expect(portNames).toContain(port);
    }
  });
});
