// A Pop3Session over a verified TLS connection to an upstream, for Node-side
// users (the pop3 command, benchmarks, tests). Wires bytes; knows no POP3.

import {
  connectUpstream,
  type UpstreamConnection,
  type UpstreamTarget,
  type UpstreamTimeouts,
} from './upstream.ts';
import { Pop3Session, type Pop3SessionOptions } from '../shared/pop3/session.ts';

export interface OpenedSession {
  session: Pop3Session;
  connection: UpstreamConnection;
}

/** Connect (implicit TLS or STLS), hand the greeting to a new session, and relay bytes. */
export async function openPop3Session(
  target: UpstreamTarget,
  options: { session?: Pop3SessionOptions; timeouts?: Partial<UpstreamTimeouts> } = {},
): Promise<OpenedSession> {
  const connection = await connectUpstream(target, { timeouts: options.timeouts ?? {} });
  const { socket } = connection;
  const session = new Pop3Session(
    {
      write: (bytes) => socket.write(bytes),
      // The session closes only after QUIT's +OK or on a fatal error: nothing
      // more is owed either way, and a half-open socket would keep the
      // server's mailbox lock.
      close: () => socket.destroy(),
    },
    options.session,
  );
  session.receive(connection.greeting);
  // A copy: the shared codec hands out what it was given, and views are reused.
  connection.receive((bytes) => session.receive(bytes.slice()));
  socket.on('close', () => session.transportClosed());
  socket.on('error', (error) => session.transportClosed(error));
  return { session, connection };
}
