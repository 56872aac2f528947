import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SERVICES } from '@tp/config';
import {
  ensureTemplateDatabase,
  eventually,
  freePort,
  keycloakEnvFor,
  loadTestConfig,
  startServiceProcess,
  startTestStack,
  type ServiceProcess,
  type TestStack,
} from '@tp/testing';
import { startPrometheus, type PrometheusProcess } from './support/prometheus-process';
import { REPO_ROOT } from './support/repo-paths';
import { requireCli } from './support/run-command';

interface ScrapeConfig {
  job_name: string;
  [key: string]: unknown;
}
interface Target {
  labels: { job: string };
  health: string;
  lastError: string;
}
interface RuleGroup {
  rules: Array<{ name: string; type: string; health: string; lastError?: string }>;
}
type Vector = Array<{ metric: Record<string, string>; value: [number, string] }>;

const PROMETHEUS_DIR = join(REPO_ROOT, 'deploy/prometheus');
// Each scrape job of deploy/prometheus/prometheus.yml is a manifest process, scraped on its metrics port.
const METRICS_PORT: Record<string, string> = Object.fromEntries(SERVICES.map((spec) => [spec.name, spec.metricsPort.variable]));

/** The project's scrape config with each job's DNS discovery replaced by this stack's port. */
function scrapeConfigFor(ports: Record<string, number>, prometheusPort: number): object {
  const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as { scrape_configs: ScrapeConfig[]; global: object };
  const scrapeConfigs = config.scrape_configs.map(({ job_name }) => {
    const port = job_name === 'prometheus' ? prometheusPort : ports[job_name];
    if (port === undefined) throw new Error(`scrape job ${job_name} has no process in this test: add it`);
    return { job_name, static_configs: [{ targets: [`127.0.0.1:${port}`] }] };
  });
  return { ...config, global: { scrape_interval: '1s', evaluation_interval: '1s' }, rule_files: [join(PROMETHEUS_DIR, 'alerts.yml')], scrape_configs: scrapeConfigs };
}

describe("Debian's prometheus on the project's scrape config and alert rules, against a running stack", () => {
  let stack: TestStack<'user' | 'flags' | 'billing' | 'upload'> | undefined;
  let worker: ServiceProcess | undefined;
  let prometheus: PrometheusProcess | undefined;
  let jobs: string[];
  let token: string;

  /** Real traffic through the edge: a profile read (user, Postgres), flags, a miss. */
  const traffic = async () => {
    const edge = stack!.edge!.url;
    for (const [path, headers] of [['/api/v1/user/profile', { authorization: `Bearer ${token}` }], ['/api/v1/flags', {}], ['/nowhere', {}]] as const) {
      await (await fetch(`${edge}${path}`, { headers })).text();
    }
  };

  beforeAll(async () => {
    requireCli('prometheus', ['--version'], "Debian's prometheus package (apt-get install prometheus; .ci/run installs it)");
    // deploy/ has no globalSetup: the e2e stack clones the migrated template database.
    await ensureTemplateDatabase(loadTestConfig().TEST_POSTGRES_URL);
    const ports = Object.fromEntries(await Promise.all(Object.keys(METRICS_PORT).map(async (job) => [job, await freePort()] as const)));
    const metricsEnv = (job: string) => ({ [METRICS_PORT[job]!]: String(ports[job]) });
    const queue = { UPLOAD_QUEUE_NAME: `prometheus-live-${ports['upload']}`, UPLOAD_QUEUE_PREFIX: `bull-prometheus-live-${ports['upload']}` };
    stack = await startTestStack({
      services: ['user', 'flags', 'billing', 'upload'],
      serviceEnv: { user: metricsEnv('user'), flags: metricsEnv('flags'), billing: metricsEnv('billing'), upload: { ...metricsEnv('upload'), ...queue } },
      edge: metricsEnv('edge'),
    });
    worker = await startServiceProcess(
      'upload-worker',
      {
        DATABASE_URL: stack.db.url,
        REDIS_URL: stack.redisUrl,
        ...keycloakEnvFor(stack.idp),
        S3_ENDPOINT: stack.s3!.endpoint,
        S3_BUCKET: `uploads-${stack.unique}`,
        ...queue,
        ...metricsEnv('upload-worker'),
      },
    );
    const prometheusPort = await freePort();
    const config = scrapeConfigFor(ports, prometheusPort);
    jobs = (config as { scrape_configs: ScrapeConfig[] }).scrape_configs.map((job) => job.job_name).sort();
    prometheus = await startPrometheus(config, prometheusPort);
    token = await stack.tokenFor('premium@example.com');
  }, 240_000);

  afterAll(async () => {
    await prometheus?.stop();
    await worker?.stop();
    await stack?.stop();
  });

  it('scrapes every target of the project config up', async () => {
    const targets = async () => (await prometheus!.api<{ activeTargets: Target[] }>('targets')).activeTargets;
    await eventually(async () => (await targets()).filter((target) => target.health === 'up').length === jobs.length, 30_000, 250).catch(() => undefined);
    const seen = (await targets()).map((target) => ({ job: target.labels.job, health: target.health, lastError: target.lastError })).sort((a, b) => a.job.localeCompare(b.job));
    expect(seen).toEqual(jobs.map((job) => ({ job, health: 'up', lastError: '' })));
  });

  it('evaluates the rules on the real series: SLO ratios, health checks, queue age', async () => {
    const query = (expr: string) => prometheus!.api<{ result: Vector }>(`query?query=${encodeURIComponent(expr)}`).then((data) => data.result);
    const ratio = async (record: string) => Number((await query(record))[0]?.value[1] ?? NaN);
    // A ratio needs the edge's counters to grow between two scrapes (else 0/0), then one evaluation.
    await eventually(async () => {
      await traffic();
      return Number.isFinite(await ratio('edge:request_slow:ratio_rate5m'));
    }, 30_000, 500).catch(() => undefined);
    const slow = await ratio('edge:request_slow:ratio_rate5m');
    expect(slow).toBeGreaterThanOrEqual(0);
    expect(slow).toBeLessThanOrEqual(1);
    // The miss is a 404, not a 5xx: no error budget spent.
    expect(await ratio('edge:request_errors:ratio_rate5m')).toBe(0);
    const checks = (await query('health_check_up')).map((sample) => `${sample.metric['service']}:${sample.metric['check']}=${sample.value[1]}`).sort();
    expect(checks).toEqual(expect.arrayContaining(['edge:jwks=1', 'edge:service:upload=1', 'user:postgres=1', 'upload:s3=1', 'upload-worker:queue=1']));
    expect((await query('upload_queue_oldest_job_age_seconds')).map((sample) => sample.value[1])).toEqual(['0']);
    const rules = (await prometheus!.api<{ groups: RuleGroup[] }>('rules')).groups.flatMap((group) => group.rules);
    expect(rules.filter((rule) => rule.health !== 'ok').map((rule) => `${rule.name}: ${rule.health} ${rule.lastError ?? ''}`)).toEqual([]);
    expect(rules.filter((rule) => rule.type === 'alerting').length).toBeGreaterThanOrEqual(14);
  });
});
