import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './repo-paths';
import { requireCli, runCommand } from './run-command';

requireCli('kubectl', ['version', '--client'], 'kubectl ships on these machines; install it to render deploy/k8s');

/** A rendered Kubernetes object, loosely typed: the tests read what they check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string> };

/** `kubectl kustomize <dir>` (offline: no cluster involved) parsed into objects. */
export function renderKustomization(dir: string): K8sObject[] {
  const result = runCommand('kubectl', ['kustomize', join(REPO_ROOT, dir)]);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as K8sObject);
}

export interface SchemaResult {
  id: string;
  error: string | null;
}

/** Validates objects against the Kubernetes OpenAPI schemas (kubernetes-models) in a child Node process. */
export function validateAgainstSchemas(objects: unknown[]): SchemaResult[] {
  const result = spawnSync(process.execPath, [join(__dirname, 'validate-k8s.mjs')], {
    cwd: REPO_ROOT,
    input: JSON.stringify(objects),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`schema validation crashed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as SchemaResult[];
}

export const byKind = (objects: K8sObject[], kind: string) => objects.filter((object) => object.kind === kind);

export const named = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name);
