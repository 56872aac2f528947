import { clientKey, clientKeys } from './client-key';

describe('clientKeys', () => {
  it('keeps an IPv4 address as its own key', () => {
    expect(clientKeys('203.0.113.7', 64)).toEqual({ client: '203.0.113.7', network: '203.0.113.7' });
  });

  it('turns an IPv4-mapped IPv6 address into the same key as the plain IPv4 address', () => {
    expect(clientKey('::ffff:203.0.113.7', 64)).toBe('203.0.113.7');
    expect(clientKey('::FFFF:cb00:7107', 64)).toBe('203.0.113.7');
  });

  it('groups IPv6 addresses by their /64: every address of one /64 is one client', () => {
    const a = clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd', 64);
    expect(a).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0db8:0001:0002::1', 64)).toBe(a);
    expect(clientKey('2001:db8:1:3::1', 64)).not.toBe(a);
  });

  it('names the /48 around the client as its network', () => {
    expect(clientKeys('2001:db8:1:2::5', 64).network).toBe('2001:db8:1::/48');
    expect(clientKeys('2001:db8:1:ffff::5', 64).network).toBe('2001:db8:1::/48');
  });

  it('honours another prefix length, masking inside a group', () => {
    expect(clientKey('2001:db8:1:2ff::1', 56)).toBe('2001:db8:1:200::/56');
    expect(clientKey('2001:db8::1', 128)).toBe('2001:db8:0:0:0:0:0:1/128');
  });

  it('reads compressed forms, zone ids and a trailing dotted quad', () => {
    expect(clientKey('fe80::1%eth0', 64)).toBe('fe80:0:0:0::/64');
    expect(clientKey('::1', 64)).toBe('0:0:0:0::/64');
    expect(clientKey('64:ff9b::192.0.2.1', 64)).toBe('64:ff9b:0:0::/64');
  });

  it('is IPv4 only for ::ffff:-mapped addresses, not for other addresses ending in a dotted quad', () => {
    expect(clientKeys('::ffff:255.254.1.0', 64)).toEqual({ client: '255.254.1.0', network: '255.254.1.0' });
    expect(clientKey('::1.2.3.4', 64)).toBe('0:0:0:0::/64');
    expect(clientKey('::fffe:1.2.3.4', 64)).toBe('0:0:0:0::/64');
    expect(clientKey('1::ffff:1.2.3.4', 64)).toBe('1:0:0:0::/64');
    expect(clientKey('0:0:0:0:1:ffff:102:304', 128)).toBe('0:0:0:0:1:ffff:102:304/128');
  });

  it('keeps an address that is no IP address (a socket path) as its own client and network', () => {
    expect(clientKeys('/tmp/edge.sock', 64)).toEqual({ client: '/tmp/edge.sock', network: '/tmp/edge.sock' });
    expect(clientKeys('1.2.3.4%eth0', 64)).toEqual({ client: '1.2.3.4', network: '1.2.3.4' });
  });

  it('masks the bits past the prefix inside a group and writes nothing past it', () => {
    expect(clientKey('2001:db8:1:2345:ffff::', 60)).toBe('2001:db8:1:2340::/60');
    expect(clientKey('2001:db8:1:2345:ffff::', 49)).toBe('2001:db8:1:0::/49');
    expect(clientKey('2001:db8:ffff:2345::', 33)).toBe('2001:db8:8000::/33');
    expect(clientKey('ABCD:EF01::1', 32)).toBe('abcd:ef01::/32');
  });

  it('names a network no wider than the client: a client prefix under /48 is its own network', () => {
    expect(clientKeys('2001:db8:1:2::5', 32)).toEqual({ client: '2001:db8::/32', network: '2001:db8::/32' });
    expect(clientKeys('2001:db8:1:2::5', 112).network).toBe('2001:db8:1::/48');
  });

  it('expands `::` at the end, the start and in the middle', () => {
    expect(clientKey('2001:db8::', 128)).toBe('2001:db8:0:0:0:0:0:0/128');
    expect(clientKey('::2:3:4:5:6:7:8', 128)).toBe('0:2:3:4:5:6:7:8/128');
    expect(clientKey('1:2:3::6:7:8', 128)).toBe('1:2:3:0:0:6:7:8/128');
    expect(clientKey('1:2:3:4:5:6:7:8', 128)).toBe('1:2:3:4:5:6:7:8/128');
  });
});
