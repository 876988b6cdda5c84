// The browser transport: the open handshake, binary relay both ways, and
// every way a connection ends mapped to a typed ConnectionError.

import { describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES } from '../../shared/bridge/messages.ts';
import { Pop3Error } from '../../shared/pop3/index.ts';
import {
  closeError,
  connect,
  ConnectionError,
  gatewayUrl,
  type WebSocketLike,
} from '../../client/connection.ts';

class FakeSocket implements WebSocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  sent: (string | Uint8Array)[] = [];
  closedWith: number | undefined;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string | ArrayBufferView<ArrayBuffer>): void {
    this.sent.push(typeof data === 'string' ? data : new Uint8Array(data.buffer.slice(0)));
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  text(value: unknown): void {
    this.onmessage?.({ data: JSON.stringify(value) } as MessageEvent);
  }
  bytes(text: string): void {
    this.onmessage?.({ data: new TextEncoder().encode(text).buffer } as MessageEvent);
  }
  serverClose(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}

function open(server = 'main') {
  let socket!: FakeSocket;
  const connection = connect({
    url: 'wss://mail.example/ws',
    server,
    createSocket: (url) => (socket = new FakeSocket(url)),
  });
  return { connection, socket };
}

const OPENED = { type: 'opened', v: 1, server: 'main', tls: { protocol: 'TLSv1.3', cipher: 'X' } };

describe('gatewayUrl', () => {
  it('is the page directory plus ws, with the page scheme mapped', () => {
    expect(gatewayUrl('https://mail.example/')).toBe('wss://mail.example/ws');
    expect(gatewayUrl('https://host.example/mail/index.html?x=1#y')).toBe(
      'wss://host.example/mail/ws',
    );
    expect(gatewayUrl('http://127.0.0.1:8080/mail/')).toBe('ws://127.0.0.1:8080/mail/ws');
  });
});

describe('connection handshake and relay', () => {
  it('sends the open message, then relays POP3 bytes both ways', async () => {
    const { connection, socket } = open();
    expect(socket.binaryType).toBe('arraybuffer');
    expect(socket.url).toBe('wss://mail.example/ws');
    socket.open();
    expect(socket.sent).toEqual([JSON.stringify({ type: 'open', v: 1, server: 'main' })]);
    socket.text(OPENED);
    await connection.opened;
    socket.bytes('+OK hello\r\n');
    await connection.session.greeting;
    const noop = connection.session.noop();
    await new Promise((resolve) => queueMicrotask(() => resolve(undefined)));
    expect(new TextDecoder().decode(socket.sent[1] as Uint8Array)).toBe('NOOP\r\n');
    socket.bytes('+OK\r\n');
    await noop;
  });

  it('POP3 bytes before `opened` end the connection', async () => {
    const { connection, socket } = open();
    socket.open();
    socket.bytes('+OK sneaky\r\n');
    const end = await connection.ended;
    expect(end.error?.code).toBe('CONNECTION_BAD_MESSAGE');
    await expect(connection.opened).rejects.toBeInstanceOf(ConnectionError);
  });

  it('an invalid control message ends the connection', async () => {
    const { connection, socket } = open();
    socket.open();
    socket.onmessage?.({ data: '{"type":"opened","v":1,"host":"evil"}' } as MessageEvent);
    expect((await connection.ended).error?.code).toBe('CONNECTION_BAD_MESSAGE');
  });

  it('a TLS refusal carries the gateway code and close name, and fails the greeting', async () => {
    const { connection, socket } = open();
    socket.open();
    socket.text({ type: 'error', v: 1, code: 'UPSTREAM_TLS_EXPIRED', message: 'expired' });
    socket.serverClose(CLOSE_CODES.TLS_EXPIRED);
    const end = await connection.ended;
    expect(end.error?.code).toBe('CONNECTION_REFUSED');
    expect(end.error?.details).toMatchObject({
      closeName: 'TLS_EXPIRED',
      gatewayCode: 'UPSTREAM_TLS_EXPIRED',
      isRetryable: false,
    });
    const failure = await connection.session.greeting.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Pop3Error);
    expect((failure as Pop3Error).cause).toBe(end.error);
  });

  it('going-away carries the delay to reconnect after', async () => {
    const { connection, socket } = open();
    socket.open();
    socket.text(OPENED);
    socket.text({ type: 'going-away', v: 1, reconnectAfterMs: 1500 });
    socket.serverClose(CLOSE_CODES.GOING_AWAY);
    const end = await connection.ended;
    expect(end.error?.code).toBe('CONNECTION_GOING_AWAY');
    expect(end.error?.details.reconnectAfterMs).toBe(1500);
  });

  it('closing here is not an error', async () => {
    const { connection, socket } = open();
    socket.open();
    socket.text(OPENED);
    connection.close();
    expect(socket.closedWith).toBe(1000);
    expect((await connection.ended).error).toBeUndefined();
  });

  it('times out when the gateway never opens', async () => {
    vi.useFakeTimers();
    try {
      const { connection, socket } = open();
      socket.open();
      await vi.advanceTimersByTimeAsync(30_000);
      expect((await connection.ended).error?.code).toBe('CONNECTION_TIMEOUT');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('closeError', () => {
  it.each([
    [CLOSE_CODES.TLS_UNTRUSTED, 'CONNECTION_REFUSED', 'TLS_UNTRUSTED', false],
    [CLOSE_CODES.TLS_SELF_SIGNED, 'CONNECTION_REFUSED', 'TLS_SELF_SIGNED', false],
    [CLOSE_CODES.TLS_HOSTNAME, 'CONNECTION_REFUSED', 'TLS_HOSTNAME', false],
    [CLOSE_CODES.TLS_PROTOCOL, 'CONNECTION_REFUSED', 'TLS_PROTOCOL', false],
    [CLOSE_CODES.UNKNOWN_SERVER, 'CONNECTION_REFUSED', 'UNKNOWN_SERVER', false],
    [CLOSE_CODES.UPSTREAM_CONNECT_FAILED, 'CONNECTION_REFUSED', 'UPSTREAM_CONNECT_FAILED', true],
    [CLOSE_CODES.RATE_LIMITED, 'CONNECTION_REFUSED', 'RATE_LIMITED', true],
    [CLOSE_CODES.IDLE, 'CONNECTION_REFUSED', 'IDLE', true],
    [CLOSE_CODES.GOING_AWAY, 'CONNECTION_GOING_AWAY', undefined, true],
  ] as const)('close code %i → %s %s (retryable: %s)', (code, kind, name, isRetryable) => {
    const error = closeError(code, true);
    expect(error.code).toBe(kind);
    expect(error.details.closeName).toBe(name);
    expect(error.details.isRetryable).toBe(isRetryable);
  });

  it('1006 before opening means the gateway is unreachable; after, the connection was lost', () => {
    expect(closeError(1006, false).code).toBe('CONNECTION_UNREACHABLE');
    expect(closeError(1006, true).code).toBe('CONNECTION_LOST');
    expect(closeError(1011, true).details.isRetryable).toBe(true);
  });
});
