import { randomBytes } from 'node:crypto';
import type { FeatureFlagClient } from '@tp/feature-flags';
import { signPaddlePayload } from '../../src/webhooks/paddle-signature';
import { PADDLE_WEBHOOK_PATH } from '../../src/webhooks/paddle-webhook-routes';
import { startService, type RunningServer } from '@tp/http';
import { parseExposition, sampleValue } from '@tp/metrics';
import { captureLogs, createTestDatabase, loadTestConfig, testFlags, type LogCapture, type TestDatabase } from '@tp/testing';
import { PREMIUM_PRICE_ID } from './paddle-fixtures';
import { billingService } from '../../src/service';

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
  /** Everything the service logged (info and up), in memory. */
  logs: LogCapture;
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
  /** The URL the app's pool connects to, given the test database's (e.g. through a TCP proxy). */
  databaseUrl?: (url: string) => string;
}

/**
 * The billing service as main.ts wires it, on a real port against a fresh Postgres database; only
 * its flags read by TTL over the test's own pool, and it announces on a channel of its own.
 */
export async function startBillingService(options: StartBillingOptions = {}): Promise<BillingService> {
  const testDb = await createTestDatabase();
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: options.databaseUrl ? options.databaseUrl(testDb.url) : testDb.url,
    REDIS_URL: loadTestConfig().TEST_REDIS_URL,
    ENTITLEMENTS_CHANNEL: `entitlements:test:${randomBytes(6).toString('hex')}`,
    PADDLE_WEBHOOK_SECRET: TEST_SECRET,
    PADDLE_WEBHOOK_SECRET_PREVIOUS: PREVIOUS_SECRET,
    PADDLE_PREMIUM_PRICE_IDS: PREMIUM_PRICE_ID,
    ...options.env,
  };
  const flags = testFlags(testDb.database.db);
  const logs = captureLogs('billing');
  const server = await startService(billingService({ flags: flags.source }), env, { logger: logs.logger }).catch(async (err: unknown) => {
    await testDb.drop();
    throw err;
  });
  const { metrics } = server;

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
    logs,
    flags: flags.client,
    deliver,
    rows,
    createUser,
    webhookCount: async (labels) => sampleValue(parseExposition(await metrics.registry.metrics()), 'webhook_events_total', labels),
    counter: async (name, labels = {}) => sampleValue(parseExposition(await metrics.registry.metrics()), name, labels),
    stop: async () => {
      await server.close();
      await testDb.drop();
    },
  };
}
