import { isIPv4, isIPv6 } from 'node:net';

/** The wider IPv6 network the anonymous quota also counts (at 10× a client's numbers): a site's /48. */
export const IPV6_NETWORK_PREFIX = 48;

export interface ClientKeys {
  /** One client: an IPv4 address, or an IPv6 network of CLIENT_IPV6_PREFIX bits (`2001:db8:1:2::/64`). */
  client: string;
  /** The client's wider network: the IPv6 /48 (the IPv4 address itself). */
  network: string;
}

/** The 8 groups of an IPv6 address (`::` expanded, a trailing dotted IPv4 converted). */
function ipv6Groups(address: string): number[] {
  let text = address;
  const last = text.lastIndexOf(':') + 1;
  if (text.includes('.', last)) {
    const [a, b, c, d] = text.slice(last).split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, last)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => Number.parseInt(group, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

/** `address` masked to its first `prefix` bits, written as `x:x:…::/prefix` (groups past the prefix are zero). */
function ipv6Network(groups: number[], prefix: number): string {
  const masked = groups.map((group, index) => {
    const bits = Math.min(16, Math.max(0, prefix - index * 16));
    return bits === 0 ? 0 : group & (0xffff << (16 - bits)) & 0xffff;
  });
  const kept = Math.ceil(prefix / 16);
  const written = masked.slice(0, kept).map((group) => group.toString(16));
  return `${written.join(':')}${kept < 8 ? '::' : ''}/${prefix}`;
}

/** An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, `::ffff:102:304`) as its IPv4 address, else undefined. */
function mappedIpv4(groups: number[]): string | undefined {
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (!mapped) return undefined;
  const [high, low] = [groups[6]!, groups[7]!];
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * THE client identity, for the edge's rate limiter, the upload slots and the anonymous quota: an
 * IPv4 address as is (IPv4-mapped IPv6 is IPv4), an IPv6 address grouped by its `/ipv6Prefix`
 * network, since one subscriber gets a whole /64 (or more) and could otherwise rotate addresses
 * freely. Anything that is no IP address (a test's socket path) is its own key.
 */
export function clientKeys(address: string, ipv6Prefix: number): ClientKeys {
  const zone = address.indexOf('%');
  const bare = zone === -1 ? address : address.slice(0, zone);
  if (isIPv4(bare)) return { client: bare, network: bare };
  if (!isIPv6(bare)) return { client: address, network: address };
  const groups = ipv6Groups(bare.toLowerCase());
  const ipv4 = mappedIpv4(groups);
  if (ipv4) return { client: ipv4, network: ipv4 };
  return { client: ipv6Network(groups, ipv6Prefix), network: ipv6Network(groups, Math.min(ipv6Prefix, IPV6_NETWORK_PREFIX)) };
}

/** The client key alone (see clientKeys). */
export function clientKey(address: string, ipv6Prefix: number): string {
  return clientKeys(address, ipv6Prefix).client;
}
