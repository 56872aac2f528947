import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { booleanFlag, commaList, keycloakEnv, keycloakSettings, port, positiveInt, runtimeEnv } from './env-schemas';
import { ConfigError, loadConfig } from './load-config';

const ROOT = join(__dirname, '..', '..', '..');

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('loadConfig', () => {
  const schema = z.object({
    ...runtimeEnv,
    PORT: port(3000),
    WORKERS: positiveInt(4),
    ALLOWED_ORIGINS: commaList('http://localhost:5173'),
  });

  it('applies the defaults for variables that are not set', () => {
    expect(loadConfig(schema, {})).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      LOG_PRETTY: false,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      PORT: 3000,
      WORKERS: 4,
      ALLOWED_ORIGINS: ['http://localhost:5173'],
    });
  });

  it('parses the strings of the environment into typed values', () => {
    const config = loadConfig(schema, {
      NODE_ENV: 'production',
      PORT: '8080',
      WORKERS: '2',
      ALLOWED_ORIGINS: ' https://a.example , https://b.example ,',
      LOG_PRETTY: 'yes',
    });
    expect(config).toMatchObject({
      NODE_ENV: 'production',
      PORT: 8080,
      WORKERS: 2,
      ALLOWED_ORIGINS: ['https://a.example', 'https://b.example'],
      LOG_PRETTY: true,
    });
  });

  it('ignores variables the schema does not know', () => {
    expect(loadConfig(schema, { UNRELATED: 'x' })).not.toHaveProperty('UNRELATED');
  });

  it('throws a one-line ConfigError naming the bad variable', () => {
    const err = configError(() => loadConfig(schema, { PORT: 'eighty' }));
    expect(err.name).toBe('ConfigError');
    expect(err.message).toMatch(/^Invalid configuration: PORT is invalid: /);
    expect(err.message).not.toContain('\n');
  });

  it('names every bad variable on the same line', () => {
    const err = configError(() => loadConfig(schema, { PORT: '70000', LOG_LEVEL: 'loud', WORKERS: '0' }));
    expect(err.message).toContain('PORT is invalid');
    expect(err.message).toContain('LOG_LEVEL is invalid');
    expect(err.message).toContain('WORKERS is invalid');
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('says a required variable is missing when it is not set', () => {
    const err = configError(() => loadConfig(z.object({ API_KEY: z.string().min(1) }), {}));
    expect(err.message).toMatch(/^Invalid configuration: API_KEY is missing: /);
  });
});

describe('booleanFlag', () => {
  const flag = z.object({ FLAG: booleanFlag(false) });
  const parse = (value: string | undefined) => loadConfig(flag, value === undefined ? {} : { FLAG: value }).FLAG;

  it.each(['true', '1', 'yes', 'on'])('reads %j as true', (value) => {
    expect(parse(value)).toBe(true);
  });

  it.each(['false', '0', 'no', 'off'])('reads %j as false', (value) => {
    expect(parse(value)).toBe(false);
  });

  it('falls back to its default when unset', () => {
    expect(parse(undefined)).toBe(false);
    expect(loadConfig(z.object({ FLAG: booleanFlag(true) }), {}).FLAG).toBe(true);
  });

  it.each(['TRUE', 'maybe', ''])('rejects %j instead of guessing', (value) => {
    expect(configError(() => parse(value)).message).toContain('FLAG is invalid');
  });
});

describe('keycloakSettings', () => {
  const load = (env: Record<string, string>) => keycloakSettings(loadConfig(z.object(keycloakEnv), env));

  it("derives the issuer and JWKS URI in Keycloak's realm layout", () => {
    expect(load({ KEYCLOAK_URL: 'http://keycloak:8080/', KEYCLOAK_REALM: 'acme' })).toEqual({
      issuers: ['http://keycloak:8080/realms/acme'],
      jwksUri: 'http://keycloak:8080/realms/acme/protocol/openid-connect/certs',
      audience: 'api-gateway',
      clientId: 'api-gateway',
      allowedAzp: [],
      clockToleranceSeconds: 5,
      jwks: { refreshIntervalMs: 10_000, maxAgeMs: 300_000, staleIfErrorMs: 1_800_000, timeoutMs: 5000 },
    });
  });

  it('reads the gateway client id, the azp allow-list and the JWKS cache timings', () => {
    const settings = load({
      KEYCLOAK_CLIENT_ID: 'edge-client',
      KEYCLOAK_ALLOWED_AZP: 'web-app, mobile-app',
      JWKS_REFRESH_INTERVAL_MS: '2000',
      JWKS_MAX_AGE_MS: '60000',
      JWKS_STALE_IF_ERROR_MS: '0',
      JWKS_TIMEOUT_MS: '1500',
    });
    expect(settings).toMatchObject({
      clientId: 'edge-client',
      allowedAzp: ['web-app', 'mobile-app'],
      jwks: { refreshIntervalMs: 2000, maxAgeMs: 60_000, staleIfErrorMs: 0, timeoutMs: 1500 },
    });
  });

  it('refuses a JWKS refresh interval longer than the JWKS max age', () => {
    expect(configError(() => load({ JWKS_REFRESH_INTERVAL_MS: '20000', JWKS_MAX_AGE_MS: '10000' })).message).toContain(
      'JWKS_REFRESH_INTERVAL_MS is invalid',
    );
  });

  it('uses the defaults for a local Keycloak', () => {
    expect(load({})).toMatchObject({
      issuers: ['http://localhost:8180/realms/toolsplatform'],
      jwksUri: 'http://localhost:8180/realms/toolsplatform/protocol/openid-connect/certs',
    });
  });

  it('accepts the issuers listed in KEYCLOAK_ISSUERS instead of the derived one', () => {
    const settings = load({
      KEYCLOAK_URL: 'http://keycloak:8080',
      KEYCLOAK_ISSUERS: 'https://auth.example.com/realms/toolsplatform, http://localhost:8180/realms/toolsplatform',
      KEYCLOAK_AUDIENCE: 'edge',
      JWT_CLOCK_TOLERANCE_SECONDS: '30',
    });
    expect(settings).toMatchObject({
      issuers: ['https://auth.example.com/realms/toolsplatform', 'http://localhost:8180/realms/toolsplatform'],
      // Keys are still fetched from the reachable URL, not from an advertised issuer.
      jwksUri: 'http://keycloak:8080/realms/toolsplatform/protocol/openid-connect/certs',
      audience: 'edge',
      clockToleranceSeconds: 30,
    });
  });

  it('rejects a KEYCLOAK_URL that is not http(s)', () => {
    expect(configError(() => load({ KEYCLOAK_URL: 'ftp://keycloak' })).message).toContain('KEYCLOAK_URL is invalid');
  });
});

describe('loadConfigOrExit', () => {
  function runMain(code: string) {
    return spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '-e', code], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
  }

  const program = (env: Record<string, string>) => `
    const { loadConfig, loadConfigOrExit, port } = require('./libs/config/src/index.ts');
    const { z } = require('zod');
    const config = loadConfigOrExit(() => loadConfig(z.object({ PORT: port(3000) }), ${JSON.stringify(env)}));
    console.log('started on ' + config.PORT);
  `;

  it('prints one line naming the variable to stderr and exits 1 on a bad config', () => {
    const result = runMain(program({ PORT: 'not-a-port' }));
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: PORT is invalid/);
  });

  it('returns the config and prints nothing when the config is valid', () => {
    const result = runMain(program({ PORT: '4321' }));
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('started on 4321');
    expect(result.status).toBe(0);
  });
});

describe('processEnv', () => {
  it('merges the .env of the working directory under the environment, which wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-dotenv-'));
    try {
      writeFileSync(join(dir, '.env'), 'FROM_FILE="file # value"\nBOTH=file\n# a comment\nexport EXPORTED=yes\n');
      const code = `
        const { processEnv } = require(${JSON.stringify(join(ROOT, 'libs/config/src/load-config.ts'))});
        const env = processEnv();
        console.log(JSON.stringify([env.FROM_FILE, env.BOTH, env.EXPORTED]));
      `;
      const result = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), '-e', code], {
        cwd: dir,
        env: { PATH: process.env['PATH'] ?? '', BOTH: 'shell' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual(['file # value', 'shell', 'yes']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
