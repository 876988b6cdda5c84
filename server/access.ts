// Optional gateway access control that does not depend on Origin (docs/security.md
// #4): a header set by an authenticating reverse proxy, believed only
// when the direct peer is a listed proxy. Also picks the subprotocol to
// answer. Knows nothing of POP3.

import type { IncomingMessage } from 'node:http';
import type { AccessControl } from './config.ts';

/** The subprotocol the browser offers; the one we select. */
export const SUBPROTOCOL = 'pop3gw.v1';

/**
 * Whether the upgrade passes access control. `isFromTrustedProxy`: the
 * direct peer is a listed proxy, the only source a proxy header may come from.
 */
export function isAccessAllowed(
  access: AccessControl,
  request: IncomingMessage,
  isFromTrustedProxy: boolean,
): boolean {
  switch (access.kind) {
    case 'none':
      return true;
    case 'header': {
      const value = request.headers[access.header];
      return isFromTrustedProxy && typeof value === 'string' && value.trim() !== '';
    }
  }
}

/** ws `handleProtocols`: answer `pop3gw.v1` when offered. */
export function selectProtocol(protocols: Set<string>): string | false {
  return protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false;
}
