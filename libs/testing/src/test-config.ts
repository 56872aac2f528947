import { z } from 'zod';
import { loadConfig } from '@tp/config';

/** Where the test suite finds Postgres and Redis (defaults: the local services). */
export function loadTestConfig() {
  return loadConfig(
    z.object({
      TEST_POSTGRES_URL: z.string().default('postgres://postgres@127.0.0.1:5432/postgres'),
      TEST_REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
      /** Replays the fuzz test's per-run random part (it prints the seed it used). */
      FUZZ_SEED: z.coerce.number().int().min(0).optional(),
    }),
  );
}
