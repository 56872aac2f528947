import { ensureTemplateDatabase } from './template-database';
import { loadTestConfig } from './test-config';

/** Jest globalSetup: one migrated template database for the whole run. */
export default async function globalSetup(): Promise<void> {
  await ensureTemplateDatabase(loadTestConfig().TEST_POSTGRES_URL);
}
