import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestStack } from './test-stack';

const ROOT = join(__dirname, '..', '..', '..');
const CACHE_DIR = join(ROOT, 'tmp', 'openapi');

/** The merged OpenAPI 3.1 document, as parsed JSON. */
export type ApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

function sourceFiles(dir: string, found: string[]): string[] {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sourceFiles(path, found);
    else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) found.push(path);
  }
  return found;
}

/** A hash of every app and lib source file: the document is rebuilt only when the code changed. */
function sourceHash(): string {
  const hash = createHash('sha256');
  for (const base of ['apps', 'libs']) {
    for (const project of readdirSync(join(ROOT, base)).sort()) {
      for (const file of sourceFiles(join(ROOT, base, project, 'src'), [])) hash.update(file).update(readFileSync(file));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** The document exactly as a real edge serves it at /docs/openapi.json, every service running as its own process. */
async function buildDocument(): Promise<ApiDocument> {
  const stack = await startTestStack({ services: ['user', 'flags', 'billing', 'upload'], env: { LOG_LEVEL: 'warn' }, edge: { LOG_LEVEL: 'warn' } });
  try {
    const token = await stack.tokenFor('admin@example.com');
    const response = await fetch(`${stack.edge?.url}/docs/openapi.json`, { headers: { authorization: `Bearer ${token}` } });
    const document = (await response.json()) as ApiDocument;
    if (response.status !== 200 || document['x-unavailable']) throw new Error(`Incomplete OpenAPI document (${response.status}): ${JSON.stringify(document).slice(0, 500)}`);
    return document;
  } finally {
    await stack.stop();
  }
}

let loaded: Promise<ApiDocument> | undefined;

/**
 * The merged document of the code under test, built once from real processes and kept under
 * tmp/openapi by source hash, so every test file and worker shares one build per code change.
 */
export function apiDocument(): Promise<ApiDocument> {
  loaded ??= (async () => {
    const file = join(CACHE_DIR, `${sourceHash()}.json`);
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as ApiDocument;
    const document = await buildDocument();
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written whole then renamed: a parallel worker never reads half a file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(document, null, 2));
    renameSync(partial, file);
    return document;
  })();
  return loaded;
}
