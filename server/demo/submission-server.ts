// The embedded demo's submission server: implicit TLS (RFC 8314) on loopback
// with the demo POP3 server's throwaway certificate, AUTH PLAIN/LOGIN for the
// demo users only, and delivery into the demo mailboxes, so a newcomer's mail
// to the demo address comes back by POP3. Nothing is relayed anywhere else.

import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { checkPassword } from './auth.ts';
import type { DemoServer } from './pop3-server.ts';

/** The domain of the demo addresses: `demo@demo.invalid` (RFC 2606: never a real one). */
export const DEMO_DOMAIN = 'demo.invalid';
/** RFC 1870 SIZE announced by the demo; the gateway lowers its own cap to it. */
const DEMO_MAX_MESSAGE = 10 * 1024 * 1024;

export interface DemoSubmission {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** The demo user a recipient address names, when it is one of ours. */
function localUser(demo: DemoServer, address: string): string | undefined {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1).toLowerCase();
  const name = address.slice(0, at);
  if (at < 1 || domain !== DEMO_DOMAIN) return undefined;
  return demo.users.find((user) => user.name === name)?.name;
}

/** Start the submission server beside `demo` (same host, its own port). */
export async function startDemoSubmission(demo: DemoServer, port = 0): Promise<DemoSubmission> {
  const options: SMTPServerOptions = {
    secure: true,
    key: demo.identity.key,
    cert: demo.identity.cert,
    name: 'localhost',
    banner: 'demo submission',
    size: DEMO_MAX_MESSAGE,
    authMethods: ['PLAIN', 'LOGIN'],
    // RFC 4954 / RFC 6409 §4.3: submission is for signed-in users only.
    authOptional: false,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const user = checkPassword(demo.users, auth.username ?? '', auth.password ?? '');
      if (!user) {
        callback(new Error('Invalid username or password'));
        return;
      }
      callback(null, { user: user.name });
    },
    onRcptTo(address, _session, callback) {
      // The demo never relays: only its own users receive (RFC 5321 §3.6.2 open relays).
      if (!localUser(demo, address.address)) {
        callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded) {
          return callback(Object.assign(new Error('Message too large'), { responseCode: 552 }));
        }
        const bytes = Buffer.concat(chunks);
        for (const rcpt of session.envelope.rcptTo) {
          const user = localUser(demo, rcpt.address);
          if (user) demo.deliver(user, new Uint8Array(bytes));
        }
        callback();
      });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', () => {
    // A client that drops the TLS handshake is its own problem, not the demo's.
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(port, demo.host, () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return {
    host: demo.host,
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
