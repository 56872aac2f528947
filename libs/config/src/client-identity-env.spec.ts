import { clientIdentityConfig } from './client-identity-env';
import { servicePorts } from './config-piece';
import { ConfigError } from './load-config';
import { loadServiceConfig } from './load-service-config';

const load = (env: Record<string, string>) =>
  loadServiceConfig({ ports: servicePorts({ port: { variable: 'DEMO_PORT', default: 4100 }, metricsPort: { variable: 'DEMO_METRICS_PORT', default: 9500 } }), pieces: { clients: clientIdentityConfig } }, env).clients;

describe('clientIdentityConfig', () => {
  it('trusts only loopback and groups IPv6 clients by /64 by default', () => {
    expect(load({})).toEqual({ trustedProxies: ['127.0.0.0/8', '::1/128'], ipv6Prefix: 64 });
  });

  it('reads TRUSTED_PROXIES as a list of addresses and CIDR ranges', () => {
    expect(load({ TRUSTED_PROXIES: '172.30.250.0/24, 10.244.0.0/16,fd00::/8,192.0.2.1' }).trustedProxies).toEqual([
      '172.30.250.0/24',
      '10.244.0.0/16',
      'fd00::/8',
      '192.0.2.1',
    ]);
  });

  it.each(['2', 'true', 'loopback', '10.0.0.0/33', '10.0.0.0/8/1', 'fd00::/129'])('refuses TRUSTED_PROXIES=%s (no hop counts, no names)', (value) => {
    expect(() => load({ TRUSTED_PROXIES: value })).toThrow(/TRUSTED_PROXIES is invalid/);
  });

  it('refuses the retired hop-count settings instead of ignoring them', () => {
    expect(() => load({ UPLOAD_TRUST_PROXY: '2' })).toThrow(ConfigError);
    expect(() => load({ TRUST_PROXY: 'loopback' })).toThrow(/TRUST_PROXY is invalid: replaced by TRUSTED_PROXIES/);
  });
});
