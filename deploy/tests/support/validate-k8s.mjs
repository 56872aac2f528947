// Validates Kubernetes objects (a JSON array on stdin) against the API's OpenAPI schemas from
// kubernetes-models and prints one result per object. A separate Node process because
// kubernetes-models ships ES modules only (`import` export condition), which Jest's CommonJS
// runtime does not resolve.
import { readFileSync } from 'node:fs';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';

const MODELS = [ConfigMap, Namespace, Service, Deployment, Job, HorizontalPodAutoscaler, PodDisruptionBudget, Ingress, NetworkPolicy];
const byType = new Map(MODELS.map((Model) => [`${Model.apiVersion}/${Model.kind}`, Model]));

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = objects.map((object) => {
  const id = `${object.kind}/${object.metadata?.name}`;
  const Model = byType.get(`${object.apiVersion}/${object.kind}`);
  if (!Model) return { id, error: `no schema for ${object.apiVersion} ${object.kind}` };
  try {
    new Model(object).validate();
    return { id, error: null };
  } catch (err) {
    return { id, error: String(err?.message ?? err) };
  }
});
process.stdout.write(JSON.stringify(results));
