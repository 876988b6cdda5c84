// The browser's WebSocket as a Pop3Transport: the open handshake with the
// gateway, POP3 bytes relayed in binary frames, and every way a connection
// ends mapped to a typed ConnectionError. Knows no UI, stores or timers of retry.

import { decodeGatewayMessage, encodeClientMessage } from '../shared/bridge/codec.ts';
import {
  closeCodeInfo,
  type CloseCodeName,
  type ErrorCode,
  type OpenedMessage,
} from '../shared/bridge/messages.ts';
import { Pop3Session, type Pop3SessionOptions, type Pop3Transport } from '../shared/pop3/index.ts';

export type ConnectionErrorCode =
  /** The WebSocket never opened: gateway down, upgrade refused (Origin, rate limit). */
  | 'CONNECTION_UNREACHABLE'
  /** The gateway closed with one of its codes (see `closeName`, `gatewayCode`). */
  | 'CONNECTION_REFUSED'
  /** The socket dropped without a gateway code (network, proxy, crash). */
  | 'CONNECTION_LOST'
  /** The gateway is restarting; reconnect after `reconnectAfterMs`. */
  | 'CONNECTION_GOING_AWAY'
  /** The gateway sent a control message we cannot read, or bytes before `opened`. */
  | 'CONNECTION_BAD_MESSAGE'
  /** No `opened` in time. */
  | 'CONNECTION_TIMEOUT';

export interface ConnectionErrorDetails {
  closeCode?: number;
  closeName?: CloseCodeName;
  /** The code of the gateway's `error` message, when it sent one before closing. */
  gatewayCode?: ErrorCode;
  /** Whether a new session later may work without a change of configuration. */
  isRetryable: boolean;
  reconnectAfterMs?: number;
}

/** Why a gateway connection ended or never started. Branch on `code` and the details. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  constructor(
    readonly code: ConnectionErrorCode,
    message: string,
    readonly details: ConnectionErrorDetails,
  ) {
    super(message);
  }
}

/** The subset of the DOM WebSocket the connection uses, so tests can inject a fake. */
export interface WebSocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  send: (data: string | ArrayBufferView<ArrayBuffer>) => void;
  close: (code?: number, reason?: string) => void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

/** How a connection ended: `error` is undefined when this side closed it on purpose. */
export interface ConnectionEnd {
  error: ConnectionError | undefined;
}

/** A POP3 session over the gateway, as the stores see it. */
export interface Pop3Connection {
  readonly session: Pop3Session;
  /** Resolves when the gateway reached the POP3 server over verified TLS. */
  readonly opened: Promise<unknown>;
  /** Resolves once, when the connection is over. Never rejects. */
  readonly ended: Promise<ConnectionEnd>;
  close: () => void;
}

export interface ConnectOptions {
  /** `wss://host/base/ws`; see {@link gatewayUrl}. */
  url: string;
  /** A server id from `api/config`, never a host name. */
  server: string;
  session?: Pop3SessionOptions;
  /** The gateway's own connect and TLS timeouts are 10 s each; wait a little longer. */
  openTimeoutMs?: number;
  createSocket?: (url: string) => WebSocketLike;
}

const OPEN = 1;
const DEFAULT_OPEN_TIMEOUT_MS = 30_000;

/** The WebSocket URL of the gateway serving the page at `pageUrl` (its directory + `ws`). */
export function gatewayUrl(pageUrl: string): string {
  const url = new URL('ws', new URL('.', pageUrl));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return url.href;
}

/** Map a close event (and any `error` message before it) to a ConnectionError. */
export function closeError(
  closeCode: number,
  wasOpened: boolean,
  gatewayCode?: ErrorCode,
  reconnectAfterMs?: number,
): ConnectionError {
  const info = closeCodeInfo(closeCode);
  if (reconnectAfterMs !== undefined || info?.name === 'GOING_AWAY') {
    return new ConnectionError('CONNECTION_GOING_AWAY', 'the gateway is restarting', {
      closeCode,
      gatewayCode,
      isRetryable: true,
      reconnectAfterMs: reconnectAfterMs ?? 0,
    });
  }
  if (info) {
    return new ConnectionError('CONNECTION_REFUSED', info.description, {
      closeCode,
      closeName: info.name,
      gatewayCode,
      isRetryable: info.isRetryable,
    });
  }
  if (!wasOpened && closeCode === 1006 && gatewayCode === undefined) {
    // Chromium reports a refused upgrade (403, 429) and a dead gateway alike.
    return new ConnectionError('CONNECTION_UNREACHABLE', 'cannot reach the gateway', {
      closeCode,
      isRetryable: true,
    });
  }
  // 1008 (policy), 1009 (too big) and 1011 come from ws itself: retrying is harmless.
  return new ConnectionError('CONNECTION_LOST', `the connection closed (${closeCode})`, {
    closeCode,
    gatewayCode,
    isRetryable: true,
  });
}

class GatewayConnection implements Pop3Connection, Pop3Transport {
  readonly session: Pop3Session;
  readonly opened: Promise<OpenedMessage>;
  readonly ended: Promise<ConnectionEnd>;
  private readonly socket: WebSocketLike;
  private isOpened = false;
  private isClosedHere = false;
  private isEnded = false;
  private gatewayCode: ErrorCode | undefined;
  private reconnectAfterMs: number | undefined;
  private openTimer: ReturnType<typeof setTimeout> | undefined;
  private resolveOpened!: (message: OpenedMessage) => void;
  private rejectOpened!: (error: ConnectionError) => void;
  private resolveEnded!: (end: ConnectionEnd) => void;

  constructor(options: ConnectOptions) {
    this.opened = new Promise((resolve, reject) => {
      this.resolveOpened = resolve;
      this.rejectOpened = reject;
    });
    // Callers that only await `ended` must not see an unhandled rejection.
    this.opened.catch(() => undefined);
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.session = new Pop3Session(this, options.session);
    const create = options.createSocket ?? ((url: string) => new WebSocket(url));
    this.socket = create(options.url);
    this.socket.binaryType = 'arraybuffer';
    this.socket.onopen = () => {
      this.socket.send(encodeClientMessage({ type: 'open', v: 1, server: options.server }));
    };
    this.socket.onmessage = (event) => this.onMessage(event.data);
    this.socket.onclose = (event) => this.onClose(event.code);
    // An error event is always followed by close; the close carries the code.
    this.socket.onerror = () => undefined;
    this.openTimer = setTimeout(() => {
      this.fail(
        new ConnectionError('CONNECTION_TIMEOUT', 'the gateway did not open a session', {
          isRetryable: true,
        }),
      );
    }, options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS);
  }

  write(bytes: Uint8Array): void {
    if (this.socket.readyState !== OPEN || !this.isOpened) return;
    // Copy into a plain ArrayBuffer-backed view: a view over a SharedArrayBuffer cannot be sent.
    this.socket.send(
      bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice(),
    );
  }

  close(): void {
    if (this.isEnded) return;
    this.isClosedHere = true;
    this.socket.close(1000, 'bye');
    // Do not wait for the close handshake: the session is over for us now.
    this.end(undefined);
  }

  private onMessage(data: unknown): void {
    if (typeof data === 'string') {
      this.onControl(data);
      return;
    }
    if (!this.isOpened || !(data instanceof ArrayBuffer)) {
      this.fail(
        new ConnectionError('CONNECTION_BAD_MESSAGE', 'POP3 bytes before the session opened', {
          isRetryable: false,
        }),
      );
      return;
    }
    this.session.receive(new Uint8Array(data));
  }

  private onControl(text: string): void {
    const message = decodeGatewayMessage(text);
    if (message instanceof Error) {
      this.fail(
        new ConnectionError('CONNECTION_BAD_MESSAGE', message.message, { isRetryable: false }),
      );
      return;
    }
    switch (message.type) {
      case 'opened':
        if (this.isOpened) return;
        this.isOpened = true;
        clearTimeout(this.openTimer);
        this.resolveOpened(message);
        return;
      case 'error':
        this.gatewayCode = message.code;
        return;
      case 'going-away':
        this.reconnectAfterMs = message.reconnectAfterMs;
        return;
    }
  }

  private onClose(code: number): void {
    if (this.isEnded) return;
    if (this.isClosedHere) {
      this.end(undefined);
      return;
    }
    this.end(closeError(code, this.isOpened, this.gatewayCode, this.reconnectAfterMs));
  }

  private fail(error: ConnectionError): void {
    if (this.isEnded) return;
    this.socket.close(1000, 'bye');
    this.end(error);
  }

  private end(error: ConnectionError | undefined): void {
    if (this.isEnded) return;
    this.isEnded = true;
    clearTimeout(this.openTimer);
    this.rejectOpened(
      error ??
        new ConnectionError('CONNECTION_LOST', 'closed before it opened', { isRetryable: true }),
    );
    // Commands still waiting fail with POP3_CLOSED whose cause says why.
    this.session.transportClosed(error);
    this.resolveEnded({ error });
  }
}

/** Open a POP3 session to `server` through the gateway. */
export function connect(options: ConnectOptions): Pop3Connection {
  return new GatewayConnection(options);
}
