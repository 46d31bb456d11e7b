import { blockedAddressReason } from './blocked-address';

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

  it.each(['93.184.216.34', '8.8.8.8', '2606:2800:220:1:248:1893:25c8:1946', 'example.com'])(
    'allows %s',
    (address) => {
      expect(blockedAddressReason(address)).toBeNull();
    },
  );

  it('sees odd IPv4 spellings as the URL parser normalises them', () => {
    for (const host of ['2130706433', '0x7f.1', '017700000001', '127.1']) {
      const hostname = new URL(`http://${host}/`).hostname;
      expect(blockedAddressReason(hostname)).toMatch(/private or reserved/);
    }
  });
});
