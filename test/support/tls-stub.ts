// Scripted TLS/TCP servers for tests: good, self-signed, expired, wrong-name
// and untrusted certificates, old TLS versions, blackholes, and a small POP3
// stub (implicit TLS or STLS) whose replies a test can script line by line.
// Loopback only, ports from the OS. Knows nothing of the gateway.

import net from 'node:net';
import tls from 'node:tls';
import { createCa, createServerCert, type KeyAndCert } from '../../server/tls/certificates.ts';

export interface TestCerts {
  /** The CA every "good" certificate chains to; give `ca.cert` to the client. */
  ca: KeyAndCert;
  good: KeyAndCert;
  selfSigned: KeyAndCert;
  expired: KeyAndCert;
  wrongName: KeyAndCert;
  /** Signed by a CA the client does not know. */
  untrusted: KeyAndCert;
}

let certs: Promise<TestCerts> | undefined;
const DAY = 86_400_000;

/** One set per process: EC keys are quick, but not free. */
export function testCerts(): Promise<TestCerts> {
  certs ??= (async () => {
    const ca = await createCa();
    const other = await createCa('Some other CA');
    const names = ['localhost', '127.0.0.1'];
    return {
      ca,
      good: await createServerCert({ names, ca }),
      selfSigned: await createServerCert({ names }),
      expired: await createServerCert({
        names,
        ca,
        notBefore: new Date(Date.now() - 400 * DAY),
        notAfter: new Date(Date.now() - 30 * DAY),
      }),
      wrongName: await createServerCert({ names: ['mail.example.org'], ca }),
      untrusted: await createServerCert({ names, ca: other }),
    };
  })();
  return certs;
}

export interface StubServer {
  host: string;
  port: number;
  /** Connections accepted so far. */
  accepted: number;
  /** Sockets still open (raw TCP sockets). */
  sockets: Set<net.Socket>;
  close(): Promise<void>;
}

function listen(server: net.Server, sockets: Set<net.Socket>, stub: { accepted: number }) {
  server.on('connection', (socket: net.Socket) => {
    stub.accepted += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

async function serve(server: net.Server): Promise<StubServer> {
  const sockets = new Set<net.Socket>();
  const stub = { accepted: 0 };
  const port = await listen(server, sockets, stub);
  return {
    host: '127.0.0.1',
    port,
    get accepted() {
      return stub.accepted;
    },
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A plain TCP server; `onSocket = () => {}` makes a blackhole that accepts and says nothing. */
export function startTcpStub(onSocket: (socket: net.Socket) => void): Promise<StubServer> {
  return serve(
    net.createServer((socket) => {
      onSocket(socket);
      // A socket nobody reads never sees the peer's FIN; drain it so a
      // blackhole still notices when the client hangs up.
      if (socket.listenerCount('data') === 0) socket.resume();
    }),
  );
}

export interface TlsStubOptions {
  cert: KeyAndCert;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  onSecure?: (socket: tls.TLSSocket) => void;
}

function secureContextOptions(options: TlsStubOptions): tls.SecureContextOptions {
  return {
    key: options.cert.key,
    cert: options.cert.cert,
    ...(options.minVersion ? { minVersion: options.minVersion } : {}),
    ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
    // TLS 1.0/1.1 need SHA-1 signatures, which OpenSSL 3 refuses at level 1+.
    ...(options.maxVersion === 'TLSv1' || options.maxVersion === 'TLSv1.1'
      ? { ciphers: 'DEFAULT:@SECLEVEL=0' }
      : {}),
  };
}

/** An implicit-TLS server that hands each verified socket to `onSecure`. */
export function startTlsStub(options: TlsStubOptions): Promise<StubServer> {
  const server = tls.createServer(secureContextOptions(options), (socket) => {
    socket.on('error', () => {});
    options.onSecure?.(socket);
  });
  server.on('tlsClientError', () => {});
  return serve(server);
}

/**
 * What a scripted POP3 stub answers to one client line (without CRLF): bytes,
 * `{ close: true, reply? }` to (answer and) hang up, or undefined to say
 * nothing (a stall).
 */
export type Pop3Script = (
  line: string,
  socket: net.Socket | tls.TLSSocket,
) => string | Uint8Array | { close: true; reply?: string | Uint8Array } | undefined;

export interface Pop3StubOptions {
  mode: 'implicit' | 'starttls';
  cert: KeyAndCert;
  greeting?: string;
  /** STARTTLS only: the plaintext reply to STLS, raw (include CRLF). */
  stlsReply?: string;
  /** Replies after the greeting; the default script below when absent. */
  script?: Pop3Script;
  maxVersion?: tls.SecureVersion;
}

export interface Pop3Stub extends StubServer {
  /** Every line the stub received, in order, per connection flattened. */
  lines: string[];
}

/** A small RFC 1939 dialogue: alice/secret, two messages, NOOP, QUIT. */
export const defaultScript: Pop3Script = (line) => {
  const verb = line.split(' ')[0]?.toUpperCase();
  switch (verb) {
    case 'USER':
      return '+OK\r\n';
    case 'PASS':
      return line === 'PASS secret' ? '+OK logged in\r\n' : '-ERR [AUTH] invalid login\r\n';
    case 'STAT':
      return '+OK 2 30\r\n';
    case 'NOOP':
      return '+OK\r\n';
    case 'QUIT':
      return '+OK bye\r\n';
    case 'CAPA':
      return '+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n';
    default:
      return '-ERR unknown\r\n';
  }
};

function runScript(socket: net.Socket | tls.TLSSocket, script: Pop3Script, lines: string[]) {
  let buffered = '';
  const onData = (chunk: Buffer): void => {
    buffered += chunk.toString('latin1');
    let crlf: number;
    while ((crlf = buffered.indexOf('\r\n')) >= 0) {
      const line = buffered.slice(0, crlf);
      buffered = buffered.slice(crlf + 2);
      lines.push(line);
      const reply = script(line, socket);
      if (reply === undefined) continue;
      if (typeof reply === 'object' && 'close' in reply) {
        if (reply.reply === undefined) socket.destroy();
        else socket.end(reply.reply);
        return;
      }
      socket.write(reply);
    }
  };
  socket.on('data', onData);
}

/** A POP3 server with scripted replies, over implicit TLS or STLS (RFC 2595). */
export async function startPop3Stub(options: Pop3StubOptions): Promise<Pop3Stub> {
  const lines: string[] = [];
  const greeting = options.greeting ?? '+OK POP3 stub ready\r\n';
  const script = options.script ?? defaultScript;
  const context = tls.createSecureContext(secureContextOptions(options));
  let stub: StubServer;
  if (options.mode === 'implicit') {
    stub = await startTlsStub({
      ...options,
      onSecure: (socket) => {
        socket.write(greeting);
        runScript(socket, script, lines);
      },
    });
  } else {
    stub = await startTcpStub((socket) => {
      socket.write(greeting);
      let buffered = '';
      const onPlain = (chunk: Buffer): void => {
        buffered += chunk.toString('latin1');
        const crlf = buffered.indexOf('\r\n');
        if (crlf < 0) return;
        const line = buffered.slice(0, crlf);
        lines.push(line);
        socket.off('data', onPlain);
        if (line.toUpperCase() !== 'STLS') {
          socket.end('-ERR say STLS first\r\n');
          return;
        }
        socket.write(options.stlsReply ?? '+OK begin TLS\r\n');
        if (options.stlsReply?.startsWith('-')) return;
        const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: context });
        secure.on('error', () => {});
        runScript(secure, script, lines);
      };
      socket.on('data', onPlain);
    });
  }
  return Object.assign(stub, { lines });
}
