// Main-thread side of the MIME worker: hands raw bytes to postal-mime off the UI
// thread, enforces the size cap and the time limit, and owns the worker's life.
// It imports no postal-mime, so it costs nothing in the initial bundle.
import { installTrustedTypes } from '../trusted-types.ts';
import {
  MimeError,
  mimeError,
  resolveLimits,
  type MimeErrorCode,
  type MimeLimits,
  type ParsedMessage,
} from './message-types.ts';

/** Request posted to the worker; `raw` is transferred. */
export interface ParseRequest {
  type: 'parse';
  id: number;
  raw: ArrayBuffer;
  limits: MimeLimits;
}

/** Reply from the worker; `raw` (and every attachment buffer) is transferred back. */
export type ParseReply =
  | { type: 'parsed'; id: number; message: ParsedMessage; raw: ArrayBuffer }
  | { type: 'failed'; id: number; code: MimeErrorCode; message: string; raw: ArrayBuffer };

/** The subset of `Worker` we use, so tests can inject a fake. */
export interface WorkerLike {
  postMessage(message: ParseRequest, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<ParseReply>) => void) | null;
  onerror: ((event: Event) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
}

/** A parsed message plus its raw bytes, handed back for "Download message (.eml)". */
export interface ParseResult {
  message: ParsedMessage;
  raw: Uint8Array;
}

/** Parses messages one at a time in a lazily started, restartable worker. */
export interface MessageParser {
  /**
   * Parses `raw`. Its buffer is transferred to the worker (the caller's view is
   * detached) and returned as `result.raw`; on `MIME_TIMEOUT` it is lost with the
   * worker, so pass a copy if you need the bytes after a failure.
   *
   * @throws MimeError `MIME_TOO_LARGE` | `MIME_TIMEOUT` | `MIME_PARSE_FAILED`
   */
  parse(raw: Uint8Array, limits?: Partial<MimeLimits>): Promise<ParseResult>;
  /** Terminates the worker; later calls to `parse` start a fresh one. */
  dispose(): void;
}

/** The app's worker. Vite recognises this exact `new Worker(new URL(…))` form and bundles it. */
export function createDefaultWorker(): WorkerLike {
  // Under Trusted Types the worker URL passes through the default policy.
  installTrustedTypes();
  return new Worker(new URL('../worker/message-parser.worker.ts', import.meta.url), {
    type: 'module',
    name: 'mime',
  }) as unknown as WorkerLike;
}

/**
 * Creates a parser. Requests are serialized: terminating a worker on timeout must
 * not take other messages down with it.
 */
export function createMessageParser(
  options: { createWorker?: () => WorkerLike; limits?: Partial<MimeLimits> } = {},
): MessageParser {
  const createWorker = options.createWorker ?? createDefaultWorker;
  const baseLimits = resolveLimits(options.limits);
  let worker: WorkerLike | null = null;
  let nextId = 1;
  let queue: Promise<unknown> = Promise.resolve();

  const kill = (): void => {
    worker?.terminate();
    worker = null;
  };

  const runOne = (raw: Uint8Array, limits: MimeLimits): Promise<ParseResult> => {
    if (raw.byteLength > limits.maxRawBytes) {
      // Refused before the transfer, so the caller keeps its bytes.
      return Promise.reject(mimeError('MIME_TOO_LARGE', `${raw.byteLength} bytes`));
    }
    // Transfer only a buffer the view owns whole; otherwise detaching it would break
    // the caller's other views of the same buffer.
    const owned =
      raw.byteOffset === 0 &&
      raw.byteLength === raw.buffer.byteLength &&
      raw.buffer instanceof ArrayBuffer
        ? raw.buffer
        : raw.slice().buffer;
    let active: WorkerLike;
    try {
      active = worker ??= createWorker();
    } catch (error) {
      // e.g. a CSP without worker-src 'self': the reader gets the same typed error.
      const detail = error instanceof Error ? error.message : 'worker unavailable';
      return Promise.reject(mimeError('MIME_PARSE_FAILED', detail));
    }
    const id = nextId++;
    return new Promise<ParseResult>((resolve, reject) => {
      const fail = (error: MimeError): void => {
        clearTimeout(timer);
        kill();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(mimeError('MIME_TIMEOUT', `${limits.timeoutMs} ms`)),
        limits.timeoutMs,
      );
      active.onmessage = (event) => {
        const reply = event.data;
        if (reply.id !== id) return;
        clearTimeout(timer);
        if (reply.type === 'parsed') {
          resolve({ message: reply.message, raw: new Uint8Array(reply.raw) });
        } else {
          reject(new MimeError(reply.code, reply.message));
        }
      };
      // An uncaught error or a reply that cannot be cloned leaves the worker in an
      // unknown state: restart it rather than reuse it.
      active.onerror = () => fail(mimeError('MIME_PARSE_FAILED', 'worker error'));
      active.onmessageerror = () => fail(mimeError('MIME_PARSE_FAILED', 'unreadable reply'));
      active.postMessage({ type: 'parse', id, raw: owned, limits }, [owned]);
    });
  };

  return {
    parse(raw, limits) {
      let resolved: MimeLimits;
      try {
        resolved = resolveLimits({ ...baseLimits, ...limits });
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new TypeError(String(error)));
      }
      const result = queue.then(() => runOne(raw, resolved));
      queue = result.catch(() => undefined);
      return result;
    },
    dispose: kill,
  };
}
