// startDemoServer: the embedded POP3 server for `npm start` without an
// upstream, and for fault-injection tests. Loopback only, throwaway TLS.

import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import { createCa, createServerCert } from '../tls/certificates.ts';
import { DemoConnection } from './connection.ts';
import { MailboxStore, type DemoMessage, type DemoUser } from './mailbox.ts';
import { resolveOptions, type DemoServerOptions } from './options.ts';
import { DemoSession } from './session.ts';

/** A running demo server. */
export interface DemoServer {
  host: string;
  port: number;
  /** The name its certificate is verified against. */
  servername: 'localhost';
  /** PEM of the CA to trust; made at start, kept in memory only. */
  ca: string;
  users: DemoUser[];
  /** Current messages of a user, after committed deletions ([] for an unknown user). */
  mailbox(user: string): DemoMessage[];
  /** Sessions accepted so far (TLS handshake done in implicit mode). */
  readonly sessionCount: number;
  /**
   * Every line received, in order, across sessions; PASS, APOP, AUTH and SASL
   * secrets redacted with redactCommand. For tests: e.g. that STLS never arrived.
   */
  readonly receivedLines: string[];
  /** Add a message to a user's mailbox (the demo submission server delivers here). */
  deliver(user: string, bytes: Uint8Array): void;
  /** The throwaway certificate and key, for the demo's submission server to share. */
  readonly identity: { key: string; cert: string };
  /** Stop listening and cut every open session (nothing uncommitted is deleted). */
  close(): Promise<void>;
}

/**
 * Start a demo POP3 server on loopback with a fresh CA and certificate.
 * Rejects with DemoServerError for a non-loopback host or bad options.
 */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const resolved = resolveOptions(options, new Date());
  const ca = await createCa('POP3 webmail demo CA (throwaway)');
  const leaf = await createServerCert({ names: ['localhost', '127.0.0.1', '::1'], ca });
  const secureContext = createSecureContext({ key: leaf.key, cert: leaf.cert });
  const store = new MailboxStore(resolved.mailbox);
  const receivedLines: string[] = [];
  const sockets = new Set<Socket>();
  const connections = new Set<DemoConnection>();
  let sessionCount = 0;

  const serve = (socket: Socket): void => {
    const session = new DemoSession({
      users: resolved.users,
      store,
      capabilities: resolved.capabilities,
      isStartTls: resolved.tls === 'starttls',
    });
    const connection = new DemoConnection(socket, {
      sessionIndex: sessionCount++,
      session,
      faults: resolved.faults,
      secureContext,
      record: (line) => receivedLines.push(line),
    });
    connections.add(connection);
    void connection.run().finally(() => connections.delete(connection));
  };

  const server: Server =
    resolved.tls === 'implicit'
      ? createTlsServer({ key: leaf.key, cert: leaf.cert, allowHalfOpen: true }, serve)
      : createTcpServer({ allowHalfOpen: true }, serve);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that rejects our certificate or speaks no TLS is its own problem.
  server.on('tlsClientError', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: resolved.host, port: resolved.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : resolved.port;
  let closing: Promise<void> | undefined;

  return {
    host: resolved.host,
    port,
    servername: 'localhost',
    ca: ca.cert,
    users: resolved.users.map((user) => ({ ...user })),
    mailbox: (user) =>
      resolved.users.some((candidate) => candidate.name === user) ? [...store.messages(user)] : [],
    get sessionCount() {
      return sessionCount;
    },
    receivedLines,
    deliver: (user, bytes) => store.deliver(user, bytes),
    identity: { key: leaf.key, cert: leaf.cert },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of connections) connection.destroy();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
