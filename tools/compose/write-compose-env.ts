import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderComposeEnv } from './compose-env';

const USAGE = 'usage: npm run compose:env [-- --out <file>] [--force]';

/** `npm run compose:env`: writes `.env.compose` with fresh secrets, never over an existing file unless --force. */
function main(argv: string[]): number {
  let out = '.env.compose';
  let force = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--force') force = true;
    else if (arg === '--out' && argv[i + 1]) out = argv[++i] as string;
    else {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
  }
  const path = resolve(out);
  if (existsSync(path) && !force) {
    process.stderr.write(
      `${out} exists; kept (its secrets are already in your Postgres/MinIO/Keycloak volumes). ` +
        'Pass --force to replace it, together with `docker compose down -v`.\n',
    );
    return 1;
  }
  writeFileSync(path, renderComposeEnv(), { mode: 0o600 });
  process.stdout.write(`wrote ${out} (mode 600); start with: docker compose --env-file ${out} up -d --build\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
