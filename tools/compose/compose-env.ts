import { randomBytes } from 'node:crypto';

/**
 * The secrets docker-compose.yml reads with `${TP_…:?…}`. They carry a `TP_` prefix on purpose:
 * npm start's `.env` uses the apps' own names (PADDLE_WEBHOOK_SECRET, …), so a dev `.env` (or a
 * shell export) can never satisfy Compose by accident with values production config refuses.
 */
export const COMPOSE_SECRETS = [
  { name: 'TP_POSTGRES_PASSWORD', what: 'Postgres password of the toolsplatform role' },
  { name: 'TP_REDIS_PASSWORD', what: 'Redis requirepass (user default: healthcheck and operator only)' },
  { name: 'TP_REDIS_EDGE_PASSWORD', what: 'Redis ACL user edge (rate-limit keys only)' },
  { name: 'TP_REDIS_APP_PASSWORD', what: 'Redis ACL user app (queues and caches of the services)' },
  // MinIO accepts access keys of 3-20 and secret keys of 8-40 characters.
  { name: 'TP_MINIO_ROOT_USER', what: 'MinIO root user (console login)', prefix: 'root-', bytes: 6 },
  { name: 'TP_MINIO_ROOT_PASSWORD', what: 'MinIO root password', bytes: 20 },
  { name: 'TP_S3_ACCESS_KEY', what: "services' S3 access key (a bucket-scoped MinIO user)", prefix: 'tp-', bytes: 8 },
  { name: 'TP_S3_SECRET_KEY', what: "services' S3 secret key", bytes: 20 },
  { name: 'TP_PADDLE_WEBHOOK_SECRET', what: "Paddle notification secret: replace with your destination's", prefix: 'pdl_ntfset_' },
  { name: 'TP_UPLOAD_IP_HASH_SECRET', what: 'HMAC key for anonymous uploaders’ IP hashes' },
  { name: 'TP_KEYCLOAK_ADMIN_PASSWORD', what: 'Keycloak bootstrap admin (user admin)' },
  { name: 'TP_KEYCLOAK_CLIENT_SECRET', what: 'secret of the api-gateway client in the imported realm' },
  { name: 'TP_GRAFANA_ADMIN_PASSWORD', what: 'Grafana admin password (user admin)' },
] as const;

/**
 * Required settings that are not secrets: written once with a value that lets the stack boot,
 * to be replaced with the deployment's own (docker-compose.yml reads them with `${TP_…:?…}` too).
 */
export const COMPOSE_SETTINGS = [
  {
    name: 'TP_PADDLE_PREMIUM_PRICE_IDS',
    what: 'Paddle price ids that buy PREMIUM (comma list): the sample price npm run paddle:send sends; replace with your catalog\'s',
    value: 'pri_01gsz8x8sawmvhz1pv30nge1ke',
  },
] as const;

export type SecretSource = (bytes: number) => string;

/** Random bytes as hex: URL-, shell- and YAML-safe, so it can sit inside DATABASE_URL unescaped. */
export const randomHex: SecretSource = (bytes) => randomBytes(bytes).toString('hex');

/** The text of `.env.compose`: one fresh value per secret. */
export function renderComposeEnv(source: SecretSource = randomHex, now = new Date()): string {
  const lines = [
    `# Written by \`npm run compose:env\` at ${now.toISOString()}. Read by docker-compose.yml only,`,
    '# through `docker compose --env-file .env.compose …`; npm start uses .env, never this file.',
    '# Postgres, MinIO and Keycloak keep the values they first started with (in their volumes):',
    '# regenerating this file for an existing stack needs `docker compose down -v` as well.',
  ];
  for (const secret of COMPOSE_SECRETS) {
    const prefix = 'prefix' in secret ? secret.prefix : '';
    const bytes = 'bytes' in secret ? secret.bytes : 24;
    lines.push('', `# ${secret.what}`, `${secret.name}=${prefix}${source(bytes)}`);
  }
  for (const setting of COMPOSE_SETTINGS) lines.push('', `# ${setting.what}`, `${setting.name}=${setting.value}`);
  return `${lines.join('\n')}\n`;
}
