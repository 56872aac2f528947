import { apiDocument } from './api-document';
import { ensureTemplateDatabase } from './template-database';
import { loadTestConfig } from './test-config';

/**
 * Jest globalSetup: one migrated template database for the whole run, and the merged OpenAPI
 * document the response validator checks edge answers against (rebuilt from real processes only
 * when the sources changed, so no test pays for it).
 */
export default async function globalSetup(): Promise<void> {
  await ensureTemplateDatabase(loadTestConfig().TEST_POSTGRES_URL);
  await apiDocument();
}
