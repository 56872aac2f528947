import { z } from 'zod';
import { databaseConfig, redisConfig, servicePorts } from './config-piece';
import { ConfigError } from './load-config';
import { loadServiceConfig } from './load-service-config';

const load = (env: Record<string, string>) =>
  loadServiceConfig(
    {
      ports: servicePorts({ port: { variable: 'DEMO_PORT', default: 4100 }, metricsPort: { variable: 'DEMO_METRICS_PORT', default: 9500 } }),
      pieces: { database: databaseConfig, redisUrl: redisConfig },
      env: { DEMO_SECRET: z.string().default('dev') },
      rules: [{ path: 'DEMO_SECRET', check: (parsed) => parsed.NODE_ENV !== 'production' || parsed.DEMO_SECRET !== 'dev', message: 'set it' }],
      settings: (parsed) => ({ secret: parsed.DEMO_SECRET }),
    },
    env,
  );

describe('loadServiceConfig', () => {
  it('puts each named piece under its field, beside the runtime settings, the ports and the own settings', () => {
    expect(load({ DATABASE_URL: 'postgres://db.internal/app', DEMO_PORT: '4200', DEMO_METRICS_PORT: '9600' })).toEqual({
      env: 'development',
      logLevel: 'info',
      logPretty: false,
      shutdownTimeoutMs: 10_000,
      port: 4200,
      metricsPort: 9600,
      database: { url: 'postgres://db.internal/app', poolMax: 10 },
      redisUrl: 'redis://127.0.0.1:6379',
      secret: 'dev',
    });
  });

  it('defaults the ports, with a random metrics port under NODE_ENV=test', () => {
    expect(load({})).toMatchObject({ port: 4100, metricsPort: 9500 });
    expect(load({ NODE_ENV: 'test' })).toMatchObject({ port: 4100, metricsPort: 0 });
  });

  it('names every bad variable, pieces and own fields alike, and applies the rules', () => {
    expect(() => load({ REDIS_URL: 'http://nope', DEMO_PORT: 'x' })).toThrow(
      new ConfigError('Invalid configuration: REDIS_URL is invalid: Invalid URL; DEMO_PORT is invalid: Invalid input: expected number, received NaN'),
    );
    expect(() => load({ NODE_ENV: 'production' })).toThrow(new ConfigError('Invalid configuration: DEMO_SECRET is missing: set it'));
  });
});
