// Addresses: which listening addresses are loopback or private (SECURITY.md
// item 24), and the real client address behind trusted proxies (item 23).
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

/** Express's `trust proxy` semantics as a proxy-addr trust function (SECURITY.md item 23). */
export function compileTrust(
  value: boolean | number | string[],
): (address: string, hop: number) => boolean {
  if (value === true) return () => true;
  if (value === false) return () => false;
  if (typeof value === 'number') return (_address, hop) => hop < value;
  return proxyaddr.compile(value);
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
