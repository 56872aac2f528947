import { isIP } from 'node:net';
import { z } from 'zod';
import { configPiece } from './config-piece';

/** `10.0.0.0/8`, `fd00::/8` or a single address: the forms proxy-addr (Express `trust proxy`) compiles. */
function isCidr(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const prefix = Number(bits);
  return /^\d{1,3}$/.test(bits) && prefix <= (family === 4 ? 32 : 128);
}

const cidrList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .refine((entries) => entries.every(isCidr), { message: 'must be a comma list of addresses or CIDR ranges (e.g. 10.0.0.0/8,fd00::/8)' });

const RETIRED = 'replaced by TRUSTED_PROXIES: a CIDR list of the proxies in front of this process, never a hop count';

/**
 * Who a request comes from. `TRUSTED_PROXIES`: the peers whose X-Forwarded-For is believed (the
 * edge's: nginx or the ingress controller; a service's: the edge), by address, never by hop
 * count, so a client can never name its own IP. `CLIENT_IPV6_PREFIX`: the IPv6 network that is
 * one client (clientKeys in libs/http). The retired hop-count settings refuse to start.
 */
export const clientIdentityEnv = {
  TRUSTED_PROXIES: cidrList('127.0.0.0/8,::1/128'),
  CLIENT_IPV6_PREFIX: z.coerce.number().int().min(32).max(128).default(64),
  TRUST_PROXY: z.undefined({ error: RETIRED }).optional(),
  UPLOAD_TRUST_PROXY: z.undefined({ error: RETIRED }).optional(),
};

export interface ClientIdentitySettings {
  /** Express `trust proxy` (an address list: proxy-addr). */
  trustedProxies: string[];
  ipv6Prefix: number;
}

export const clientIdentityConfig = configPiece(
  clientIdentityEnv,
  (env): ClientIdentitySettings => ({ trustedProxies: env.TRUSTED_PROXIES, ipv6Prefix: env.CLIENT_IPV6_PREFIX }),
);
