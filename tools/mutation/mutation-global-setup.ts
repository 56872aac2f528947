import { ensureTemplateDatabase, loadTestConfig } from '@tp/testing';

/** Jest globalSetup for the mutation run: the migrated template database the store specs clone. */
export default async function mutationGlobalSetup(): Promise<void> {
  await ensureTemplateDatabase(loadTestConfig().TEST_POSTGRES_URL);
}
