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
      // end(), not destroy(): after QUIT the server closes too, and pending
      // writes must still leave.
      close: () => socket.end(),
    },
    options.session,
  );
  session.receive(connection.greeting);
  // A plain Uint8Array view: the shared codec hands out what it was given.
  socket.on('data', (chunk: Buffer) =>
    session.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)),
  );
  socket.on('close', () => session.transportClosed());
  socket.on('error', (error) => session.transportClosed(error));
  socket.resume();
  return { session, connection };
}
