// Browser stand-ins for gateway tests: a `ws` client that records control
// messages, POP3 bytes and the close code; and raw HTTP upgrades for the
// handshake cases a real client library refuses to send.

import net from 'node:net';
import { WebSocket } from 'ws';
import { HOST, ORIGIN, type Harness } from './gateway-harness.ts';

export interface ControlMessage {
  type: string;
  code?: string;
  message?: string;
  [key: string]: unknown;
}

export interface ClientOptions {
  origin?: string;
  host?: string;
  headers?: Record<string, string>;
  protocols?: string[];
  /** Connect from this loopback address (127.0.0.2: a client that is not the proxy). */
  localAddress?: string;
}

export class TestClient {
  readonly controls: ControlMessage[] = [];
  /** Every binary byte received, as latin1 text (POP3 is 8-bit; this keeps bytes 1:1). */
  received = '';
  bytesReceived = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.bytesReceived += data.length;
        if (this.received.length < 4 * 1024 * 1024) this.received += data.toString('latin1');
      } else this.controls.push(JSON.parse(data.toString()) as ControlMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        for (const wake of this.waiters.splice(0)) wake();
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  static connect(harness: Harness, options: ClientOptions = {}): Promise<TestClient> {
    const ws = new WebSocket(harness.url, options.protocols ?? [], {
      origin: options.origin ?? ORIGIN,
      headers: { host: options.host ?? HOST, ...options.headers },
      perMessageDeflate: false,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    return new Promise((resolve, reject) => {
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_request, response) => {
        reject(new Error(`HTTP ${response.statusCode}`));
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  /** Connect and open `server`; resolves once `opened` and the greeting arrived. */
  static async open(harness: Harness, server: string, options?: ClientOptions) {
    const client = await TestClient.connect(harness, options);
    client.ws.send(JSON.stringify({ type: 'open', v: 1, server }));
    await client.until(() => client.controls.length > 0 && client.received.includes('\r\n'));
    return client;
  }

  send(text: string | Buffer): void {
    this.ws.send(typeof text === 'string' ? Buffer.from(text, 'latin1') : text, { binary: true });
  }

  sendText(text: string): void {
    this.ws.send(text, { binary: false });
  }

  /** Wait until `predicate` holds (checked on each message) or the socket closes. */
  async until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed; got ${this.received}`);
      if (Date.now() > deadline) throw new Error(`timed out; got ${this.received.slice(-200)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Send a command and wait for `reply` to appear after what was received so far. */
  async command(line: string, reply: string | RegExp = '\r\n'): Promise<string> {
    const start = this.received.length;
    this.send(line);
    const seen = (): string => this.received.slice(start);
    await this.until(() =>
      typeof reply === 'string' ? seen().includes(reply) : reply.test(seen()),
    );
    return seen();
  }
}

export interface RawResponse {
  status: number;
  head: string;
  /** The server closed the connection after answering. */
  isClosed: boolean;
}

/**
 * Send raw request bytes to the gateway and read the HTTP status line. Waits
 * for the server to close; a response that keeps the connection open (101,
 * keep-alive) resolves 200 ms after its head with `isClosed: false`.
 */
export function rawRequest(
  port: number,
  request: string | Buffer,
  localAddress?: string,
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = net.connect({
      port,
      host: '127.0.0.1',
      ...(localAddress ? { localAddress } : {}),
    });
    let head = '';
    let status = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (chunk) => {
      head += chunk.toString('latin1');
      status ||= Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      if (status && head.includes('\r\n\r\n') && !timer) {
        timer = setTimeout(
          () => {
            resolve({ status, head, isClosed: false });
            socket.destroy();
          },
          status === 101 ? 0 : 200,
        );
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ status, head, isClosed: true });
    });
    socket.write(request);
  });
}

/** A syntactically valid upgrade request for `path` with extra or replaced headers. */
export function upgradeRequest(path: string, headers: Record<string, string | undefined> = {}) {
  const all: Record<string, string | undefined> = {
    Host: HOST,
    Origin: ORIGIN,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}: ${value}`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}
