// Opens a verified TLS connection to a POP3 server and reads its greeting:
// implicit TLS (port 995, RFC 8314) or STLS done here (RFC 2595). Owns the
// per-phase timeouts; upstream-errors.ts names what can go wrong. Knows no
// POP3 beyond the greeting and STLS, and nothing of WebSockets.

import net from 'node:net';
import tls from 'node:tls';
import { MAX_STATUS_LINE } from '../shared/pop3/limits.ts';
import { LineSplitter } from '../shared/pop3/line-splitter.ts';
import { parseStatusLine } from '../shared/pop3/status.ts';
import { ByteFeed, SHARED_READ_BUFFER, type Sink } from './byte-feed.ts';
import {
  connected,
  feedChunks,
  ignoreLateErrors,
  plaintextChunks,
  secureContextFor,
  step,
  type Line,
  type Subscribe,
} from './upstream-steps.ts';
import {
  classifySocketError,
  UpstreamError,
  upstreamError,
  type UpstreamPhase,
} from './upstream-errors.ts';

/** Where to connect; comes from configuration only (docs/security.md #8). */
export interface UpstreamTarget {
  host: string;
  port: number;
  tls: 'implicit' | 'starttls';
  /** PEM bundle of CAs to trust instead of Node's defaults. */
  ca?: string;
  /** Name to verify and send as SNI; defaults to `host` unless it is an IP. */
  servername?: string;
}

/** docs/security.md #13: TCP connect ≤ 10 s, TLS handshake ≤ 10 s, greeting ≤ 30 s. */
export interface UpstreamTimeouts {
  connectMs: number;
  handshakeMs: number;
  /** Also bounds the reply to STLS. */
  greetingMs: number;
}

export const DEFAULT_UPSTREAM_TIMEOUTS: Readonly<UpstreamTimeouts> = {
  connectMs: 10_000,
  handshakeMs: 10_000,
  greetingMs: 30_000,
};

/**
 * The codec's status-line cap (docs/security.md #33): a greeting of `<`×100k
 * or one endless line is refused here, before anything is buffered further.
 */
export const MAX_GREETING_LINE = MAX_STATUS_LINE;

export interface UpstreamConnection {
  /**
   * The verified TLS socket: write to it, pause it, watch `close`, destroy
   * it; read it with `receive`, never with `data`. An `error` listener is
   * attached so a failure before you attach yours cannot crash the process;
   * the socket still emits `close`.
   */
  socket: tls.TLSSocket;
  /** The greeting line including CRLF, already read (for STLS: the plaintext one). */
  greeting: Uint8Array;
  /**
   * Every byte after the greeting, in order, goes to `sink` from now on; what
   * arrived before the call comes first. Views are reused: copy what you keep.
   */
  receive(sink: Sink): void;
  tls: { protocol: string; cipher: string; authorized: true };
  /** Milliseconds from the start until the connection was ready. */
  connectMs: number;
}

/**
 * Read one CRLF line, at most MAX_GREETING_LINE octets, from `socket`'s
 * bytes as `chunks` delivers them. Chunks may be reused views: what is kept
 * (the line, and the bytes after it in the same chunk) is copied.
 */
function readLine(
  socket: net.Socket,
  chunks: Subscribe,
  phase: UpstreamPhase,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<Line> {
  return step<Line>(socket, phase, ms, signal, ({ resolve, reject }) => {
    const lines = new LineSplitter({ maxLine: MAX_GREETING_LINE, isCrlfRequired: true });
    const bad = (why: string): true => {
      reject(
        upstreamError(
          phase === 'stls' ? 'UPSTREAM_STLS_FAILED' : 'UPSTREAM_BAD_GREETING',
          `${phase === 'stls' ? 'STLS reply' : 'greeting'} ${why}`,
          phase,
        ),
      );
      return true;
    };
    /** True once the line is complete or refused. */
    return chunks((chunk) => {
      const read = lines.read(chunk);
      if (read.kind === 'too-long') return bad(`is over ${MAX_GREETING_LINE} octets`);
      if (read.kind === 'partial') return false;
      // The chunk may be a reused view: keep copies (Buffer#slice would not copy).
      const line = new Uint8Array(read.line);
      // RFC 1939 §3: lines end in CRLF; a bare LF or a NUL is not POP3.
      if (line.length < 2 || line[line.length - 2] !== 13) return bad('does not end in CRLF');
      if (line.subarray(0, -2).some((byte) => byte === 0 || byte === 13)) {
        return bad('has a NUL or a bare CR');
      }
      resolve({ line, rest: new Uint8Array(chunk.subarray(read.end)) });
      return true;
    });
  });
}

function statusOf(line: Uint8Array): ReturnType<typeof parseStatusLine> {
  return parseStatusLine(new TextDecoder().decode(line.subarray(0, -2)));
}

function checkGreeting(greeting: Line): void {
  const status = statusOf(greeting.line);
  if (status?.kind !== 'ok') {
    const what = status?.kind === 'err' ? 'server refused the session (-ERR)' : 'not +OK';
    throw upstreamError('UPSTREAM_BAD_GREETING', `greeting ${what}`, 'greeting');
  }
}

/**
 * What differs between the protocols the gateway speaks upstream: how the
 * greeting is read, how TLS is asked for in plaintext, and an optional last
 * step on the verified socket. Everything else (TCP, TLS, timeouts, error
 * mapping) is connectWith's.
 */
export interface UpstreamDialect {
  /** Read and check the greeting: in plaintext for STARTTLS, else after the handshake. */
  readGreeting(
    socket: net.Socket,
    chunks: Subscribe,
    ms: number,
    signal?: AbortSignal,
  ): Promise<Line>;
  /** In plaintext, after the greeting: ask for TLS; throws unless the server agreed cleanly. */
  requestTls(
    raw: net.Socket,
    chunks: Subscribe,
    greeting: Line,
    ms: number,
    signal?: AbortSignal,
  ): Promise<void>;
  /**
   * On the verified socket, before handing over: may talk to the server and
   * return the greeting to hand over instead (SMTP XCLIENT's new 220).
   */
  prepare?(
    secure: tls.TLSSocket,
    chunks: Subscribe,
    ms: number,
    signal?: AbortSignal,
  ): Promise<Line | undefined>;
}

const POP3_DIALECT: UpstreamDialect = {
  async readGreeting(socket, chunks, ms, signal) {
    const greeting = await readLine(socket, chunks, 'greeting', ms, signal);
    checkGreeting(greeting);
    return greeting;
  },
  requestTls: negotiateStls,
};

/** RFC 2595 in plaintext, after the greeting: send STLS, read +OK. */
async function negotiateStls(
  raw: net.Socket,
  chunks: Subscribe,
  greeting: Line,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  // RFC 2595 §4 and CVE-2021-23953-class injection: nothing may follow the
  // greeting before our command, and nothing may follow the +OK before the
  // handshake. Such bytes are refused, never relayed.
  if (greeting.rest.length > 0) {
    throw upstreamError('UPSTREAM_STLS_FAILED', 'bytes after the greeting', 'stls');
  }
  raw.write('STLS\r\n');
  const reply = await readLine(raw, chunks, 'stls', ms, signal);
  if (statusOf(reply.line)?.kind !== 'ok') {
    throw upstreamError('UPSTREAM_STLS_FAILED', 'server refused STLS', 'stls');
  }
  if (reply.rest.length > 0) {
    throw upstreamError('UPSTREAM_STLS_FAILED', 'bytes after the STLS reply', 'stls');
  }
}

/**
 * Connect, verify TLS and read the greeting. Plaintext is never an option:
 * every path ends in a verified TLS socket or an UpstreamError.
 */
export function connectUpstream(
  target: UpstreamTarget,
  options: ConnectOptions = {},
): Promise<UpstreamConnection> {
  return connectWith(POP3_DIALECT, target, options);
}

export interface ConnectOptions {
  timeouts?: Partial<UpstreamTimeouts>;
  signal?: AbortSignal;
}

/** connectUpstream for any dialect: the one path to a verified TLS socket. */
export async function connectWith(
  dialect: UpstreamDialect,
  target: UpstreamTarget,
  options: ConnectOptions = {},
): Promise<UpstreamConnection> {
  const timeouts = { ...DEFAULT_UPSTREAM_TIMEOUTS, ...options.timeouts };
  const { signal } = options;
  const started = performance.now();
  if (signal?.aborted) throw upstreamError('UPSTREAM_ABORTED', 'aborted', 'connect');
  const feed = new ByteFeed();
  const servername = target.servername ?? (net.isIP(target.host) ? undefined : target.host);
  const tlsOptions = {
    host: target.host,
    ...(servername === undefined ? {} : { servername }),
    secureContext: secureContextFor(target.ca),
    rejectUnauthorized: true,
  };
  let socket: tls.TLSSocket | undefined;
  let raw: net.Socket | undefined;
  try {
    let plainGreeting: Uint8Array | undefined;
    if (target.tls === 'implicit') {
      // Node honours `onread` (documented for tls.connect, missing from its
      // types) only when it opens the TCP connection itself.
      const options: tls.ConnectionOptions & net.ConnectOpts = {
        ...tlsOptions,
        port: target.port,
        onread: {
          buffer: SHARED_READ_BUFFER,
          callback: (length, buffer) => {
            feed.deliver(buffer.subarray(0, length));
            return true; // pausing is the feed's and the caller's business
          },
        },
      };
      socket = tls.connect(options);
      socket.on('error', ignoreLateErrors);
      await connected(socket, timeouts.connectMs, signal);
    } else {
      raw = net.connect({ host: target.host, port: target.port });
      raw.on('error', ignoreLateErrors);
      await connected(raw, timeouts.connectMs, signal);
      const chunks = plaintextChunks(raw);
      const plain = await dialect.readGreeting(raw, chunks, timeouts.greetingMs, signal);
      await dialect.requestTls(raw, chunks, plain, timeouts.greetingMs, signal);
      plainGreeting = plain.line;
      socket = tls.connect({ ...tlsOptions, socket: raw });
      socket.on('error', ignoreLateErrors);
      socket.on('data', feed.deliver);
    }
    const secure = socket;
    feed.source = secure;
    await step<undefined>(
      secure,
      'handshake',
      timeouts.handshakeMs,
      signal,
      ({ resolve, reject }) => {
        secure.once('secureConnect', () => {
          // Belt and braces: rejectUnauthorized already refused a bad chain.
          if (secure.authorized) resolve(undefined);
          else reject(classifySocketError(secure.authorizationError, 'handshake'));
        });
        return () => secure.removeAllListeners('secureConnect');
      },
    );
    let greeting = plainGreeting;
    if (greeting === undefined) {
      const read = await dialect.readGreeting(
        secure,
        feedChunks(feed),
        timeouts.greetingMs,
        signal,
      );
      // Whatever followed the greeting reaches the caller's sink first.
      feed.unshift(read.rest);
      greeting = read.line;
    }
    const replaced = await dialect.prepare?.(secure, feedChunks(feed), timeouts.greetingMs, signal);
    if (replaced) {
      feed.unshift(replaced.rest);
      greeting = replaced.line;
    }
    return {
      socket: secure,
      greeting,
      receive: (sink) => feed.attach(sink),
      tls: {
        protocol: secure.getProtocol() ?? 'unknown',
        cipher: secure.getCipher().name,
        authorized: true,
      },
      connectMs: performance.now() - started,
    };
  } catch (error) {
    socket?.destroy();
    raw?.destroy();
    throw error instanceof UpstreamError ? error : classifySocketError(error, 'connect');
  }
}
