// The steps every upstream connection is built from, whatever it speaks:
// one phase at a time with its own timer and error code, a socket's chunks
// before and after TLS, the shared TLS contexts, and the TCP connect. Knows
// no protocol; upstream.ts and smtp-upstream.ts put them together.

import type net from 'node:net';
import tls from 'node:tls';
import type { ByteFeed } from './byte-feed.ts';
import {
  classifySocketError,
  type UpstreamError,
  upstreamError,
  type UpstreamPhase,
} from './upstream-errors.ts';

interface StepContext<T> {
  resolve: (value: T) => void;
  reject: (error: UpstreamError) => void;
}

/**
 * Run one phase on `socket` with its own timer; any error, close or abort
 * rejects with this phase's code. `start` returns its own cleanup.
 */
export function step<T>(
  socket: net.Socket,
  phase: UpstreamPhase,
  ms: number,
  signal: AbortSignal | undefined,
  start: (ctx: StepContext<T>) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // Filled once `start` returns; it may settle before that.
    const cleanup: { stop?: () => void; isSettled: boolean } = { isSettled: false };
    const finish = (): void => {
      cleanup.isSettled = true;
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      cleanup.stop?.();
    };
    const fail = (error: UpstreamError): void => {
      finish();
      reject(error);
    };
    const onError = (err: unknown): void => fail(classifySocketError(err, phase));
    const onClose = (): void =>
      fail(
        phase === 'handshake'
          ? upstreamError('UPSTREAM_TLS_PROTOCOL', 'closed during the TLS handshake', phase)
          : upstreamError('UPSTREAM_CLOSED', `server closed the connection (${phase})`, phase),
      );
    const onAbort = (): void => fail(upstreamError('UPSTREAM_ABORTED', 'aborted', phase));
    const timer = setTimeout(
      () => fail(upstreamError('UPSTREAM_TIMEOUT', `${phase} took over ${ms} ms`, phase)),
      ms,
    );
    socket.on('error', onError);
    socket.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    const stop = start({
      resolve: (value) => {
        finish();
        resolve(value);
      },
      reject: fail,
    });
    if (cleanup.isSettled) stop();
    else cleanup.stop = stop;
  });
}

export interface Line {
  /** The line including CRLF. */
  line: Uint8Array;
  /** Bytes that arrived after it in the same read. */
  rest: Uint8Array;
}

/** Hands each chunk to `onChunk` until the returned function is called. */
export type Subscribe = (onChunk: (chunk: Uint8Array) => boolean) => () => void;

/**
 * A plaintext socket's chunks, with `readable` and `read()`: once unsubscribed
 * the stream is back in its initial (non-flowing) state for the TLS layer.
 */
export function plaintextChunks(socket: net.Socket): Subscribe {
  return (onChunk) => {
    const onReadable = (): void => {
      for (
        let chunk = socket.read() as Buffer | null;
        chunk;
        chunk = socket.read() as Buffer | null
      ) {
        if (onChunk(chunk)) return;
      }
    };
    socket.on('readable', onReadable);
    return () => socket.off('readable', onReadable);
  };
}

/** A feed's chunks; what arrives after the line is held for the next sink. */
export function feedChunks(feed: ByteFeed): Subscribe {
  return (onChunk) => {
    feed.attach((chunk) => void onChunk(chunk));
    return () => feed.detach();
  };
}

const contexts = new Map<string, tls.SecureContext>();

/**
 * One SecureContext per CA bundle, shared by every connection: passing `ca`
 * to tls.connect would parse the PEM and build an X509 store per session
 * (tens of KiB and a few ms each). TLS 1.2 minimum (docs/security.md #12).
 */
export function secureContextFor(ca: string | undefined): tls.SecureContext {
  const key = ca ?? '';
  let context = contexts.get(key);
  if (!context) {
    context = tls.createSecureContext({ minVersion: 'TLSv1.2', ...(ca ? { ca } : {}) });
    if (contexts.size >= 64) contexts.clear();
    contexts.set(key, context);
  }
  return context;
}

export function ignoreLateErrors(): void {
  // Parked listener: see UpstreamConnection.socket.
}

/** Wait for the TCP connection, then turn Nagle off (POP3 is request/response). */
export async function connected(
  socket: net.Socket,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  await step<undefined>(socket, 'connect', ms, signal, ({ resolve }) => {
    socket.once('connect', () => resolve(undefined));
    return () => socket.removeAllListeners('connect');
  });
  socket.setNoDelay(true);
}
