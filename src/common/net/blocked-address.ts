import { BlockList, isIP } from 'node:net';

/** Ranges no outbound delivery may reach: loopback, private, link-local, unique-local, metadata, etc. */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  // The 6to4 relay anycast: whatever answers there forwards into someone's IPv6 network.
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  // IPv4-compatible (::a.b.c.d, deprecated) and IPv4-translated (::ffff:0:a.b.c.d) forms can
  // reach an IPv4 host on some stacks; no public service lives there. Covers :: and ::1 too.
  ['::', 96],
  ['::ffff:0:0:0', 96],
  // NAT64: the well-known prefix and the local-use one, both translated to IPv4 by a gateway
  // that may sit inside the network.
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  // IETF protocol assignments, Teredo (2001::/32, an IPv4 tunnel) among them.
  ['2001::', 23],
  ['2001:db8::', 32],
  ['3fff::', 20],
  ['5f00::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  // Site-local, deprecated but still routed inside some networks.
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(net, prefix, 'ipv6');
}

/**
 * Why an IP address may not be a delivery target, or null when it may. An IPv6 address that
 * carries an IPv4 one (mapped ::ffff:a.b.c.d, 6to4 2002:AABB:CCDD::, ISATAP ::5efe:a.b.c.d) is
 * also judged by that IPv4 address, since a relay or the stack itself may deliver to it.
 */
export function blockedAddressReason(address: string): string | null {
  const unbracketed = address.replace(/^\[|\]$/g, '');
  const version = isIP(unbracketed);
  if (version === 0) return null;
  const reason = `${address} is a private or reserved address`;
  if (version === 4) return BLOCKED.check(unbracketed, 'ipv4') ? reason : null;
  const bytes = ipv6Bytes(unbracketed);
  if (!bytes) return reason; // isIP said IPv6, yet it does not parse: refuse, never guess
  const mapped = ipv4MappedIn(bytes);
  if (mapped) return blockedAddressReason(mapped);
  if (BLOCKED.check(canonicalIpv6(bytes), 'ipv6')) return reason;
  for (const embedded of ipv4sEmbeddedIn(bytes)) {
    if (BLOCKED.check(embedded, 'ipv4')) {
      return `${address} is a private or reserved address (it carries ${embedded})`;
    }
  }
  return null;
}

/** ::ffff:a.b.c.d is the IPv4 address itself to the socket API: judged exactly as that. */
function ipv4MappedIn(bytes: number[]): string | null {
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 255 && bytes[11] === 255;
  return mapped ? dotted(bytes, 12) : null;
}

/** IPv4 addresses an IPv6 address carries by a standard scheme that relays act on. */
function ipv4sEmbeddedIn(bytes: number[]): string[] {
  const found: string[] = [];
  // 6to4 (RFC 3056): 2002:AABB:CCDD::/48 is the site behind IPv4 AA.BB.CC.DD.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) found.push(dotted(bytes, 2));
  // ISATAP (RFC 5214): an interface id of 0000:5efe or 0200:5efe, then the IPv4 address.
  if (
    (bytes[8] === 0 || bytes[8] === 2) &&
    bytes[9] === 0 &&
    bytes[10] === 0x5e &&
    bytes[11] === 0xfe
  ) {
    found.push(dotted(bytes, 12));
  }
  return found;
}

function dotted(bytes: number[], at: number): string {
  return bytes.slice(at, at + 4).join('.');
}

function canonicalIpv6(bytes: number[]): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}

/** The 16 bytes of an IPv6 address (`::` expanded, a dotted IPv4 tail, a zone id dropped). */
export function ipv6Bytes(address: string): number[] | null {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const tail: number[] = [];
  const dottedTail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dottedTail) {
    const octets = dottedTail.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return null;
    tail.push(...octets);
    text = text.slice(0, dottedTail.index) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  const bytes: number[] = [];
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 255);
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}
