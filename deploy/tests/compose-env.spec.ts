import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { COMPOSE_SECRETS, COMPOSE_SETTINGS } from '../../tools/compose/compose-env';
import { tempFile } from './support/compose-cli';
import { parseEnvFile, writeComposeEnv } from './support/compose-env-file';
import { REPO_ROOT } from './support/repo-paths';

const secretNames = COMPOSE_SECRETS.map((secret) => secret.name).sort();
const settingNames = COMPOSE_SETTINGS.map((setting) => setting.name).sort();
const requiredNames = [...secretNames, ...settingNames].sort();

describe('npm run compose:env', () => {
  it('writes a fresh value for every secret, readable by its owner only', () => {
    const first = tempFile('first.env', '');
    const second = tempFile('second.env', '');
    expect(writeComposeEnv(['--out', first, '--force']).status).toBe(0);
    expect(writeComposeEnv(['--out', second, '--force']).status).toBe(0);

    const a = parseEnvFile(readFileSync(first, 'utf8'));
    const b = parseEnvFile(readFileSync(second, 'utf8'));
    expect([...a.keys()].sort()).toEqual(requiredNames);
    for (const name of secretNames) {
      expect(a.get(name)?.length).toBeGreaterThanOrEqual(12);
      expect(a.get(name)).not.toBe(b.get(name));
    }
    expect(statSync(first).mode & 0o777).toBe(0o600);
  });

  it('keeps an existing file unless --force is given', () => {
    const path = tempFile('existing.env', 'TP_POSTGRES_PASSWORD=kept\n');
    const result = writeComposeEnv(['--out', path]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--force');
    expect(readFileSync(path, 'utf8')).toBe('TP_POSTGRES_PASSWORD=kept\n');
  });

  it('generates exactly the variables docker-compose.yml requires', () => {
    const compose = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8').replace(/^[ \t]*#.*/gm, '');
    const required = new Set([...compose.matchAll(/\$\{(\w+):\?/g)].map((match) => match[1]));
    expect([...required].sort()).toEqual(requiredNames);
    // Every use of a secret is `${NAME:?…}`: none has a default, none is a bare `${NAME}`.
    const uses = [...compose.matchAll(/\$\{(\w+)((?:[^\w}][^}]*)?)\}/g)].map(([, name, rest]) => ({ name, rest }));
    const lax = uses.filter(({ name, rest }) => required.has(name) && !rest?.startsWith(':?'));
    expect(lax).toEqual([]);
    expect(uses.length).toBeGreaterThan(requiredNames.length);
  });

  it('uses names npm start never reads, so a dev .env cannot stand in for them', () => {
    const devNames = parseEnvFile(readFileSync(join(REPO_ROOT, '.env.example'), 'utf8').replace(/(?<! ) +#.*/g, ''));
    for (const name of requiredNames) expect(devNames.has(name)).toBe(false);
  });
});
