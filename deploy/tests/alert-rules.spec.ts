import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './support/repo-paths';
import { requireCli, runCommand } from './support/run-command';

interface Rule {
  alert?: string;
  record?: string;
  annotations?: Record<string, string>;
}
interface AlertTest {
  alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }>;
}

const PROMETHEUS = join(REPO_ROOT, 'deploy/prometheus');
const rules = (parse(readFileSync(join(PROMETHEUS, 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((group) => group.rules);
const alerts = rules.filter((rule): rule is Rule & { alert: string } => typeof rule.alert === 'string');
const promtool = (args: string[]) => runCommand('promtool', args);

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

describe('alert rules (deploy/prometheus/alerts.yml)', () => {
  beforeAll(() => requireCli('promtool', ['--version'], "Debian's prometheus package has it (apt-get install prometheus; .ci/run installs it)"));

  it('pass their unit tests (promtool test rules alerts.test.yml)', () => {
    const result = promtool(['test', 'rules', join(PROMETHEUS, 'alerts.test.yml')]);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('are valid rules, and the compose config that loads them is valid (promtool check)', () => {
    const checkedRules = promtool(['check', 'rules', join(PROMETHEUS, 'alerts.yml')]);
    const checkedConfig = promtool(['check', 'config', join(PROMETHEUS, 'prometheus.yml')]);
    expect([checkedRules.status, checkedConfig.status]).toEqual([0, 0]);
    expect(checkedConfig.stdout).toContain('1 rule files found');
  });

  it('are mounted beside the compose Prometheus config, where its rule_files looks', () => {
    const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { volumes?: string[] }> };
    const config = parse(readFileSync(join(PROMETHEUS, 'prometheus.yml'), 'utf8')) as { rule_files?: string[] };
    expect(config.rule_files).toEqual(['alerts.yml']);
    expect(compose.services['prometheus']?.volumes).toEqual(
      expect.arrayContaining(['./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro', './deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro']),
    );
  });

  it('each carry a one-line runbook naming a section of docs/operations.md', () => {
    const docs = readFileSync(join(REPO_ROOT, 'docs/operations.md'), 'utf8');
    const anchors = new Set([...docs.matchAll(/^#+ (.+)$/gm)].map(([, heading]) => anchorOf(heading!)));
    const runbooks = alerts.map((rule) => {
      const runbook = rule.annotations?.['runbook'] ?? '';
      const anchor = /^docs\/operations\.md#([\w-]+): \S/.exec(runbook)?.[1];
      return { alert: rule.alert, oneLine: !runbook.includes('\n'), sectionExists: anchor !== undefined && anchors.has(anchor) };
    });
    expect(runbooks).toEqual(alerts.map((rule) => ({ alert: rule.alert, oneLine: true, sectionExists: true })));
  });

  it('each have a unit test in which they fire', () => {
    const tests = (parse(readFileSync(join(PROMETHEUS, 'alerts.test.yml'), 'utf8')) as { tests: AlertTest[] }).tests;
    const firing = new Set(tests.flatMap((test) => test.alert_rule_test ?? []).filter((check) => check.exp_alerts.length > 0).map((check) => check.alertname));
    expect(alerts.map((rule) => rule.alert).filter((name) => !firing.has(name))).toEqual([]);
    expect(alerts.length).toBeGreaterThanOrEqual(14);
  });
});
