import { byKind, named, renderKustomization, validateAgainstSchemas, type K8sObject } from './support/kustomize';

const OVERLAY = 'deploy/k8s/overlays/example';
const PROCESSES = ['billing', 'edge', 'flags', 'upload', 'upload-worker', 'user'];
const SERVICES = ['billing', 'edge', 'flags', 'upload', 'user'];
const AUTOSCALED = ['edge', 'upload', 'upload-worker', 'user'];

const objects = renderKustomization(OVERLAY);
const deployments = byKind(objects, 'Deployment');
const job = named(objects, 'Job', 'migrate');
// Every pod this overlay would run: the Deployments' and the migration Job's.
const podTemplates = [...deployments, ...(job ? [job] : [])].map((object) => ({ name: object.metadata.name, pod: object.spec.template }));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const containersOf = (pod: any): any[] => [...(pod.spec.initContainers ?? []), ...pod.spec.containers];

describe('deploy/k8s (kustomize)', () => {
  it('renders the base on its own as well as the example overlay', () => {
    expect(renderKustomization('deploy/k8s/base').length).toBeGreaterThan(20);
    expect(objects.every((object) => object.kind === 'Namespace' || object.metadata.namespace === 'toolsplatform')).toBe(true);
  });

  it('validates every rendered object against the Kubernetes API schemas, and the validator is live', () => {
    // One child process for both: a copy that breaks the schema must be the only failure.
    const broken = structuredClone(deployments[0]) as K8sObject;
    broken.metadata.name = 'broken-copy';
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    const results = validateAgainstSchemas([...objects, broken]);
    expect(results).toHaveLength(objects.length + 1);
    expect(results.filter((result) => result.error !== null)).toEqual([
      { id: 'Deployment/broken-copy', error: expect.stringMatching(/containerPort must be integer/) },
    ]);
  });

  it('runs one Deployment per process, Services for the called ones and the migration Job', () => {
    expect(deployments.map((object) => object.metadata.name).sort()).toEqual(PROCESSES);
    expect(byKind(objects, 'Service').map((object) => object.metadata.name).sort()).toEqual(SERVICES);
    expect(job?.spec.template.spec.containers[0].command).toEqual(['node', 'dist/libs/db/migrate.js']);
  });

  it('routes the Ingress to the edge only', () => {
    const backends = byKind(objects, 'Ingress').flatMap((ingress) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      ingress.spec.rules.flatMap((rule: any) => rule.http.paths.map((path: any) => path.backend.service.name)),
    );
    expect(new Set(backends)).toEqual(new Set(['edge']));
  });

  it('autoscales edge, user, upload and the worker, and budgets disruptions for every process', () => {
    const hpas = byKind(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((hpa) => hpa.spec.scaleTargetRef.name).sort()).toEqual(AUTOSCALED);
    for (const hpa of hpas) expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
    const budgets = byKind(objects, 'PodDisruptionBudget');
    expect(budgets.map((pdb) => pdb.spec.selector.matchLabels['app.kubernetes.io/name']).sort()).toEqual(PROCESSES);
    // An HPA-owned Deployment has no replicas of its own (kubectl apply would reset the HPA's choice).
    for (const name of AUTOSCALED) expect(named(objects, 'Deployment', name)?.spec.replicas).toBeUndefined();
  });

  it('gives every container probes on /health and /health/ready, requests and limits', () => {
    for (const deployment of deployments) {
      const pod = deployment.spec.template;
      expect({ name: deployment.metadata.name, spread: pod.spec.topologySpreadConstraints?.length > 0 }).toEqual({ name: deployment.metadata.name, spread: true });
      for (const container of containersOf(pod)) {
        expect({ name: container.name, probes: [container.startupProbe, container.livenessProbe, container.readinessProbe].map((probe) => probe?.httpGet?.path) }).toEqual({
          name: container.name,
          probes: ['/health', '/health', '/health/ready'],
        });
      }
    }
    for (const { name, pod } of podTemplates) {
      for (const container of containersOf(pod)) {
        const { requests, limits } = container.resources ?? {};
        expect({ name, cpu: [requests?.cpu, limits?.cpu].every(Boolean), memory: [requests?.memory, limits?.memory].every(Boolean) }).toEqual({ name, cpu: true, memory: true });
      }
    }
  });

  it('runs every container non-root, read-only, without privilege escalation or capabilities', () => {
    for (const { name, pod } of podTemplates) {
      expect({ name, nonRoot: pod.spec.securityContext?.runAsNonRoot, token: pod.spec.automountServiceAccountToken }).toEqual({ name, nonRoot: true, token: false });
      for (const container of containersOf(pod)) {
        expect({ name, ...container.securityContext }).toMatchObject({
          name,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  it('pins every image tag', () => {
    for (const { pod } of podTemplates) {
      for (const container of containersOf(pod)) {
        const tag = /:([^/:@]+)$/.exec(container.image)?.[1];
        expect({ image: container.image, pinned: (tag !== undefined && tag !== 'latest') || container.image.includes('@sha256:') }).toEqual({ image: container.image, pinned: true });
      }
    }
  });

  it('annotates every pod for Prometheus with its metrics port', () => {
    for (const deployment of deployments) {
      const { annotations } = deployment.spec.template.metadata;
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const metrics = deployment.spec.template.spec.containers[0].ports.find((port: any) => port.name === 'metrics');
      expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metrics.containerPort), 'prometheus.io/path': '/metrics' });
    }
  });

  it('references secrets and never writes one', () => {
    expect(byKind(objects, 'Secret')).toEqual([]);
    const secretLike = /PASSWORD|SECRET|_KEY$|DATABASE_URL|REDIS_URL/;
    const configMap = byKind(objects, 'ConfigMap')[0];
    expect(Object.keys(configMap?.data ?? {}).filter((key) => secretLike.test(key))).toEqual([]);
    for (const { name, pod } of podTemplates) {
      for (const container of containersOf(pod)) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const written = (container.env ?? []).filter((entry: any) => secretLike.test(entry.name) && !entry.valueFrom?.secretKeyRef);
        expect({ name, written }).toEqual({ name, written: [] });
      }
    }
  });
});
