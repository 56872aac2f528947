import type { Database } from '@tp/db';
import type { FeatureFlagClient } from '@tp/feature-flags';
import { signPaddlePayload } from '../../src/webhooks/paddle-signature';
import { PADDLE_WEBHOOK_PATH } from '../../src/webhooks/paddle-webhook-routes';
import { startServer, type RunningServer } from '@tp/http';
import { createLogger, type Logger } from '@tp/logging';
import { createServiceMetrics, parseExposition, sampleValue } from '@tp/metrics';
import { createTestDatabase, testFlagClient, type TestDatabase } from '@tp/testing';
import { PREMIUM_PRICE_ID } from './paddle-fixtures';
import { createApp } from '../../src/app';
import { loadBillingConfig } from '../../src/config';

export const TEST_SECRET = 'pdl_ntfset_test_current';
export const PREVIOUS_SECRET = 'pdl_ntfset_test_previous';

export interface DeliverOptions {
  /** Secrets to sign with (default: the current one); ignored when `signature` is given. */
  secrets?: string[];
  signedAt?: Date;
  signature?: string | null;
}

export interface BillingService {
  url: string;
  testDb: TestDatabase;
  server: RunningServer;
  /** The app's flag client (TTL only, no subscriber): call `invalidate()` after changing feature_flags. */
  flags: FeatureFlagClient;
  /** POSTs a (signed) Paddle event; objects are serialised exactly once, so the signature matches. */
  deliver: (body: string | object, options?: DeliverOptions) => Promise<{ status: number; body: Record<string, unknown> }>;
  rows: <T>(sql: string, params?: unknown[]) => Promise<T[]>;
  /** A users row as the user service would create it on first sign-in; returns its id. */
  createUser: (id?: string) => Promise<string>;
  /** `webhook_events_total` summed over the series with these labels, as the metrics port serves it. */
  webhookCount: (labels: Record<string, string>) => Promise<number>;
  /** Any counter of the billing registry, summed over the series with these labels. */
  counter: (name: string, labels?: Record<string, string>) => Promise<number>;
  stop: () => Promise<void>;
}

export interface StartBillingOptions {
  env?: Record<string, string>;
  database?: (testDb: TestDatabase) => Database;
  logger?: Logger;
}

/** The real billing app on a real port against a fresh Postgres database. */
export async function startBillingService(options: StartBillingOptions = {}): Promise<BillingService> {
  const testDb = await createTestDatabase();
  const config = loadBillingConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: testDb.url,
    BILLING_PORT: '0',
    PADDLE_WEBHOOK_SECRET: TEST_SECRET,
    PADDLE_WEBHOOK_SECRET_PREVIOUS: PREVIOUS_SECRET,
    PADDLE_PREMIUM_PRICE_IDS: PREMIUM_PRICE_ID,
    ...options.env,
  });
  const logger = options.logger ?? createLogger({ service: 'billing', level: config.logLevel });
  const database = options.database ? options.database(testDb) : testDb.database;
  const flags = testFlagClient(testDb.database.db, config);
  const metrics = createServiceMetrics('billing');
  const app = createApp({ config, database, flags, logger, metrics });
  const server = await startServer(app, { port: 0, host: '127.0.0.1', logger, shutdownTimeoutMs: 1000 });

  const deliver: BillingService['deliver'] = async (body, { secrets = [TEST_SECRET], signedAt, signature } = {}) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const header = signature === undefined ? signPaddlePayload(raw, secrets, signedAt) : signature;
    const response = await fetch(`${server.url}${PADDLE_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header === null ? {} : { 'paddle-signature': header }) },
      body: raw,
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const rows = async <T>(sql: string, params: unknown[] = []) => (await testDb.database.pool.query(sql, params)).rows as T[];
  const createUser = async (id?: string) => {
    const inserted = await rows<{ id: string }>(
      'INSERT INTO users (id, keycloak_id, email) VALUES (COALESCE($1::uuid, gen_random_uuid()), gen_random_uuid()::text, $2) RETURNING id',
      [id ?? null, 'buyer@example.com'],
    );
    return inserted[0]!.id;
  };

  return {
    url: server.url,
    testDb,
    server,
    flags,
    deliver,
    rows,
    createUser,
    webhookCount: async (labels) => sampleValue(parseExposition(await metrics.registry.metrics()), 'webhook_events_total', labels),
    counter: async (name, labels = {}) => sampleValue(parseExposition(await metrics.registry.metrics()), name, labels),
    stop: async () => {
      await server.close();
      if (database !== testDb.database) await database.close().catch(() => undefined);
      await testDb.drop();
    },
  };
}
