// Helpers of the reverse-proxy end-to-end tests: bare bridge sessions (Node
// `ws`) through nginx from a chosen loopback source address with whatever
// X-Forwarded-For they claim. (The app itself is signed in with signInAt.)

import WebSocket from 'ws';
import type { Nginx } from '../../support/nginx.ts';

/** How a bridge session through nginx went. */
export type BridgeAttempt =
  | { kind: 'opened'; ws: WebSocket }
  | { kind: 'refused'; status: number; retryAfter: string | undefined };

/**
 * Upgrade at `path` through `nginx` from `localAddress` (a 127/8 address: the
 * peer nginx sees), with a client-written X-Forwarded-For, then `open` the
 * default server and wait for `opened`.
 */
export function openBridge(
  nginx: Nginx,
  options: { path?: string; localAddress?: string; forwardedFor?: string } = {},
): Promise<BridgeAttempt> {
  const ws = new WebSocket(`wss://localhost:${nginx.port}${options.path ?? '/ws'}`, {
    ca: nginx.ca,
    origin: nginx.origin,
    perMessageDeflate: false,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    headers: options.forwardedFor ? { 'X-Forwarded-For': options.forwardedFor } : {},
  });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_request, response) => {
      resolve({
        kind: 'refused',
        status: response.statusCode ?? 0,
        retryAfter: response.headers['retry-after'],
      });
      ws.terminate();
    });
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'open', v: 1, server: 'main' })));
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString()) as { type: string };
      if (message.type === 'opened') resolve({ kind: 'opened', ws });
      else reject(new Error(`bridge answered ${data.toString()}`));
    });
  });
}

/** Close a bridge session and wait until the socket is gone. */
export async function closeBridge(attempt: BridgeAttempt): Promise<void> {
  if (attempt.kind !== 'opened') return;
  const closed = new Promise((resolve) => attempt.ws.once('close', resolve));
  attempt.ws.close();
  await closed;
}
