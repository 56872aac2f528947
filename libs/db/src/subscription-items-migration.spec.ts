import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { Client } from 'pg';
import { loadTestConfig } from '@tp/testing';
import { migrationsFolder } from './migrate-database';

const SERVER = loadTestConfig().TEST_POSTGRES_URL;
const urlOf = (name: string) => Object.assign(new URL(SERVER), { pathname: `/${name}` }).toString();

/** The migrations folder as it was before `tag` (journal entries and files up to it). */
function folderBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tp-migrations-'));
  cpSync(migrationsFolder(), dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((entry) => entry.tag === tag));
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

const itemOf = (priceId: string, status: string, quantity: number) => ({ price: { id: priceId }, status, quantity });

describe('migration 0005_subscription_items', () => {
  const name = `tp_items_${process.pid}_${Date.now().toString(36)}`;
  let admin: Client;
  let client: Client;
  let before: string;

  beforeAll(async () => {
    admin = new Client({ connectionString: SERVER });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    client = new Client({ connectionString: urlOf(name) });
    await client.connect();
    before = folderBefore('0005_subscription_items');
  });
  afterAll(async () => {
    await client?.end();
    await admin?.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin?.end();
    rmSync(before, { recursive: true, force: true });
  });

  it("backfills every item from each subscription's latest applied event, else the one stored price", async () => {
    await migrate(drizzle(client), { migrationsFolder: before });
    await client.query(`INSERT INTO subscriptions (paddle_subscription_id, customer_id, status, price_id, last_event_at) VALUES
      ('sub_events', 'ctm_a', 'active', 'pri_01first', '2024-06-02Z'), ('sub_no_events', 'ctm_b', 'active', 'pri_01only', '2024-06-02Z')`);
    const event = (id: string, occurredAt: string, items: unknown[], outcome = 'applied') =>
      client.query(
        `INSERT INTO webhook_events (event_id, event_type, occurred_at, payload, outcome, subscription_id, customer_id)
         VALUES ($1, 'subscription.updated', $2, $3, $4, 'sub_events', 'ctm_a')`,
        [id, occurredAt, JSON.stringify({ data: { id: 'sub_events', items } }), outcome],
      );
    await event('evt_old', '2024-06-01Z', [itemOf('pri_01stale', 'active', 1)]);
    await event('evt_new', '2024-06-02Z', [itemOf('pri_01first', 'active', 1), itemOf('pri_01addon', 'trialing', 3)]);
    await event('evt_newer_stale', '2024-06-03Z', [itemOf('pri_01ignored', 'active', 1)], 'stale');

    await migrate(drizzle(client), { migrationsFolder: migrationsFolder() });

    const { rows } = await client.query('SELECT paddle_subscription_id, price_id, status, quantity FROM subscription_items ORDER BY 1, 2');
    expect(rows).toEqual([
      { paddle_subscription_id: 'sub_events', price_id: 'pri_01addon', status: 'trialing', quantity: 3 },
      { paddle_subscription_id: 'sub_events', price_id: 'pri_01first', status: 'active', quantity: 1 },
      { paddle_subscription_id: 'sub_no_events', price_id: 'pri_01only', status: 'active', quantity: 1 },
    ]);
  });
});
