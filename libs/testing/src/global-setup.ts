import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { apiDocument } from './api-document';
import { ensureTemplateDatabase } from './template-database';
import { loadTestConfig } from './test-config';

/**
 * Jest globalSetup: the tracing preload's bundle, one migrated template database for the whole run, and the merged OpenAPI
 * document the response validator checks edge answers against (rebuilt from real processes only
 * when the sources changed, so no test pays for it).
 */
export default async function globalSetup(): Promise<void> {
  // The tracing preload every service process loads through the manifest's Node flags.
  execFileSync(process.execPath, [join(__dirname, '../../../tools/build/build-app.mjs'), 'telemetry'], { stdio: 'ignore' });
  await ensureTemplateDatabase(loadTestConfig().TEST_POSTGRES_URL);
  await apiDocument();
}
