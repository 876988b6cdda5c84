// Addresses: which listening addresses are loopback or private (docs/security.md
// #24), and the real client address behind trusted proxies (docs/security.md #23).
// Knows nothing of sessions or POP3.

import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import proxyaddr from 'proxy-addr';

const PRIVATE = new BlockList();
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4'); // RFC 6598 CGNAT, e.g. Tailscale
PRIVATE.addSubnet('169.254.0.0', 16, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');
PRIVATE.addSubnet('fe80::', 10, 'ipv6');

/** True for loopback, RFC 1918, CGNAT, link-local and ULA addresses (and "localhost"). */
export function isPrivateAddress(address: string): boolean {
  if (address === 'localhost') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * True when listening on `host` may expose the plain-HTTP gateway to the
 * internet: the wildcard addresses, public IPs, and DNS names (which may
 * resolve anywhere).
 */
export function isPublicBind(host: string): boolean {
  return !isPrivateAddress(host);
}

/**
 * Express's `trust proxy` as a proxy-addr trust function (docs/security.md #23): only the
 * listed proxy addresses. Never a hop count, which trusts whatever peer
 * connects directly and lets it name its own address.
 */
export function compileTrust(
  proxies: readonly string[],
): (address: string, hop: number) => boolean {
  if (proxies.length === 0) return () => false;
  return proxyaddr.compile([...proxies]);
}
/**
 * The real client address: X-Forwarded-For is read only through proxies the
 * configuration trusts, right to left, never `split(',')[0]`.
 */
export function clientAddress(
  request: IncomingMessage,
  trust: (address: string, hop: number) => boolean,
): string {
  return proxyaddr(request, trust);
}

/**
 * The key every per-address limit counts under: an IPv4 address as itself
 * (IPv4-mapped IPv6 folded to IPv4), an IPv6 address by its /64, the
 * smallest block a home or a cloud host is given (RFC 6177), so one
 * subscriber cannot escape a ban by walking through its own prefix.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return mapped;
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, without zone, each without leading zeros. */
function expandIpv6(address: string): string[] {
  const bare = address.split('%')[0] ?? address;
  const [head = '', tail] = bare.split('::');
  const toGroups = (part: string): string[] => {
    if (part === '') return [];
    const groups = part.split(':');
    const last = groups.at(-1) ?? '';
    // A trailing dotted quad (::ffff:1.2.3.4 forms) is two groups.
    if (last.includes('.')) {
      const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
      groups.splice(-1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
    }
    return groups;
  };
  const left = toGroups(head);
  const right = tail === undefined ? [] : toGroups(tail);
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16));
}
