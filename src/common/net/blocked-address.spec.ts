import { blockedAddressReason, ipv6Bytes } from './blocked-address';

describe('blockedAddressReason', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '::1',
    '[::1]',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '[::ffff:a00:1]',
    '::7f00:1',
    '::127.0.0.1',
    '::ffff:0:7f00:1',
  ])('refuses %s', (address) => {
    expect(blockedAddressReason(address)).toMatch(/private or reserved/);
  });

  it.each([
    // 6to4 carrying a private or loopback IPv4 address (2002:AABB:CCDD::/48)
    ['2002:7f00:1::1', '127.0.0.1'],
    ['2002:a00:1::', '10.0.0.1'],
    ['2002:c0a8:101:0:0:0:0:1', '192.168.1.1'],
    ['2002:a9fe:a9fe::1', '169.254.169.254'],
    // ISATAP interface ids carrying one
    ['2606:2800:220:1:0:5efe:a00:1', '10.0.0.1'],
    ['2606:2800:220:1:200:5efe:7f00:1', '127.0.0.1'],
    ['2606:2800:220:1:0:5efe:192.168.0.1', '192.168.0.1'],
  ])('refuses %s, which carries %s', (address, ipv4) => {
    expect(blockedAddressReason(address)).toBe(
      `${address} is a private or reserved address (it carries ${ipv4})`,
    );
  });

  it.each([
    '2001::1', // Teredo
    '2001:0:4136:e378:8000:63bf:3fff:fdd2', // Teredo, client 192.0.2.45 obfuscated
    '2001:2::1', // benchmarking
    '2001:10::1', // ORCHID
    '64:ff9b::a00:1', // NAT64, well-known prefix
    '64:ff9b::8.8.8.8',
    '64:ff9b:1::a00:1', // NAT64, local use
    '64:ff9b:1:ffff::1',
    'fec0::1', // site-local
    'feff::1',
    '::ffff:0:10.0.0.1', // IPv4-translated
    '::10.0.0.1', // IPv4-compatible
    '::ffff:169.254.169.254',
    '0:0:0:0:0:ffff:a9fe:a9fe',
    'fe80::1%eth0',
    '3fff::1', // documentation
    '5f00::1', // SRv6 SIDs
    '::',
    '192.88.99.1', // 6to4 relay anycast
  ])('refuses %s', (address) => {
    expect(blockedAddressReason(address)).toMatch(/private or reserved/);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '2606:2800:220:1:248:1893:25c8:1946',
    '2002:5db8:d822::1', // 6to4 of the public 93.184.216.34
    '2606:2800:220:1:0:5efe:5db8:d822', // ISATAP of a public address
    '2a00:1450:4001:800::200e',
    'example.com',
  ])('allows %s', (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });

  it('sees an IPv6 literal as the URL parser normalises it', () => {
    for (const host of ['[2002:7F00:0001::]', '[0:0:0:0:0:ffff:127.0.0.1]', '[fec0:0:0::1]']) {
      const hostname = new URL(`http://${host}/`).hostname;
      expect(blockedAddressReason(hostname)).toMatch(/private or reserved/);
    }
  });

  it('sees odd IPv4 spellings as the URL parser normalises them', () => {
    for (const host of ['2130706433', '0x7f.1', '017700000001', '127.1']) {
      const hostname = new URL(`http://${host}/`).hostname;
      expect(blockedAddressReason(hostname)).toMatch(/private or reserved/);
    }
  });
});

describe('ipv6Bytes', () => {
  it('expands every spelling to the same 16 bytes', () => {
    const loopback = [...Array<number>(15).fill(0), 1];
    expect(ipv6Bytes('::1')).toEqual(loopback);
    expect(ipv6Bytes('0:0:0:0:0:0:0:1')).toEqual(loopback);
    expect(ipv6Bytes('::0.0.0.1')).toEqual(loopback);
    expect(ipv6Bytes('::1%lo')).toEqual(loopback);
    expect(ipv6Bytes('2002:7f00:1::')?.slice(0, 6)).toEqual([0x20, 0x02, 127, 0, 0, 1]);
  });

  it('refuses what is not IPv6', () => {
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '::1.2.3.256', 'g::1']) {
      expect(ipv6Bytes(bad)).toBeNull();
    }
  });
});
