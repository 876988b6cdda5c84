// A tiny raw POP3 client for the demo server tests: TLS verified with the
// demo CA, STLS upgrade, and a line reader over whatever bytes arrive.

import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import type { DemoServer } from '../../../server/demo/index.ts';

/** One test connection; read lines, send commands, watch the close. */
export class TestClient {
  #socket: Socket;
  /** Received bytes not yet read live in #store[#start, #end); grown by doubling. */
  #store = Buffer.alloc(64 * 1024);
  #start = 0;
  #end = 0;
  #received = 0;
  #isClosed = false;
  #wake: (() => void) | undefined;
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    void this.closed.then(() => {
      this.#isClosed = true;
      this.#notify();
    });
    socket.on('error', () => {});
    this.#listen(socket);
  }

  /** Implicit TLS, verified against the server's CA and servername. */
  static async connect(server: DemoServer): Promise<TestClient> {
    const socket = connectTls({
      host: server.host,
      port: server.port,
      ca: server.ca,
      servername: server.servername,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    return new TestClient(socket);
  }

  /** Plain TCP, for STLS. */
  static async connectPlain(server: DemoServer): Promise<TestClient> {
    const socket = connectTcp({ host: server.host, port: server.port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new TestClient(socket);
  }

  /** The socket in use (a TLSSocket after connect() or upgrade()). */
  get socket(): Socket {
    return this.#socket;
  }

  /** Bytes received so far, across an upgrade. */
  get receivedBytes(): number {
    return this.#received;
  }

  /** Start TLS over the plain socket (after STLS's +OK); verifies the certificate. */
  async upgrade(server: DemoServer): Promise<TLSSocket> {
    const plain = this.#socket;
    plain.removeAllListeners('data');
    const secure = connectTls({ socket: plain, ca: server.ca, servername: server.servername });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    secure.on('error', () => {});
    this.#socket = secure;
    this.#listen(secure);
    return secure;
  }

  /** Write raw bytes or text as they are. */
  write(data: string | Uint8Array): void {
    this.#socket.write(data);
  }

  /** Send lines, each with CRLF, in one write. */
  send(...lines: string[]): void {
    this.write(lines.map((line) => `${line}\r\n`).join(''));
  }

  /** The next line without its CRLF; rejects if the connection closes first. */
  async line(timeoutMs = 5_000): Promise<string> {
    const bytes = await this.#take((buffer, from) => {
      const end = buffer.indexOf('\r\n', from);
      return end < 0 ? -1 : end + 2;
    }, timeoutMs);
    return bytes.subarray(0, -2).toString('utf8');
  }

  /** Send one command and read its status line. */
  async command(line: string): Promise<string> {
    this.send(line);
    return this.line();
  }

  /** The raw body of a multi-line reply up to and including "CRLF.CRLF", still dot-stuffed. */
  async multiLineBody(timeoutMs = 5_000): Promise<Buffer> {
    return this.#take((buffer, from) => {
      if (buffer.subarray(0, 3).toString('latin1') === '.\r\n') return 3;
      const end = buffer.indexOf('\r\n.\r\n', from);
      return end < 0 ? -1 : end + 5;
    }, timeoutMs);
  }

  /** A multi-line reply's lines, dot-unstuffed, without the terminator. */
  async multiLines(): Promise<string[]> {
    const lines = (await this.multiLineBody()).toString('utf8').split('\r\n').slice(0, -2);
    return lines.map((line) => (line.startsWith('.') ? line.slice(1) : line));
  }

  /** Everything received from now until the server closes the connection. */
  async rest(timeoutMs = 5_000): Promise<Buffer> {
    await this.#within(this.closed, timeoutMs, 'the server did not close');
    const rest = Buffer.from(this.#unread());
    this.#start = this.#end;
    return rest;
  }

  /** True if nothing arrives within `ms`. */
  async isSilentFor(ms: number): Promise<boolean> {
    const before = this.#received;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.#received === before;
  }

  /** Half-close and wait for the server to close too. */
  async end(): Promise<void> {
    this.#socket.end();
    await this.#within(this.closed, 5_000, 'the server did not close');
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.#received += chunk.length;
      this.#append(chunk);
      this.#notify();
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #unread(): Buffer {
    return this.#store.subarray(this.#start, this.#end);
  }

  #append(chunk: Buffer): void {
    if (this.#end + chunk.length > this.#store.length) {
      const unread = this.#unread();
      const grown = Buffer.alloc(Math.max(this.#store.length, 2 * (unread.length + chunk.length)));
      unread.copy(grown);
      this.#store = grown;
      this.#start = 0;
      this.#end = unread.length;
    }
    chunk.copy(this.#store, this.#end);
    this.#end += chunk.length;
  }

  /** Take bytes up to the offset `find` returns; it searches from `from` on. */
  async #take(find: (buffer: Buffer, from: number) => number, timeoutMs: number): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    let from = 0;
    for (;;) {
      const unread = this.#unread();
      const at = find(unread, from);
      if (at >= 0) {
        this.#start += at;
        return Buffer.from(unread.subarray(0, at));
      }
      // The delimiter may straddle two chunks: rescan only its length back.
      from = Math.max(0, unread.length - 4);
      if (this.#isClosed) throw new Error(`closed; unread: ${JSON.stringify(String(unread))}`);
      const wait = new Promise<void>((resolve) => (this.#wake = resolve));
      await this.#within(wait, deadline - Date.now(), 'timed out waiting for the server');
    }
  }

  async #within(promise: Promise<void>, ms: number, message: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        promise,
        new Promise<never>(
          (_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)),
        ),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Connect and sign in with USER/PASS; returns the client after +OK. */
export async function signIn(
  server: DemoServer,
  user = server.users[0]?.name ?? 'demo',
  password = server.users[0]?.password ?? 'demo',
): Promise<TestClient> {
  const client = await TestClient.connect(server);
  await client.line();
  client.send(`USER ${user}`, `PASS ${password}`);
  await client.line();
  const reply = await client.line();
  if (!reply.startsWith('+OK')) throw new Error(`sign-in failed: ${reply}`);
  return client;
}

/** RFC 1939 §7: the APOP digest for a greeting. */
export function apopDigest(greeting: string, password: string): string {
  const timestamp = /<[^>]*>/.exec(greeting)?.[0] ?? '';
  return createHash('md5')
    .update(timestamp + password)
    .digest('hex');
}

/** Undo dot-stuffing of a raw multi-line body and drop its terminator. */
export function unstuff(body: Buffer): Buffer {
  const text = body.toString('latin1');
  const lines = text.slice(0, text.length - 3).split('\r\n');
  return Buffer.from(
    lines.map((line) => (line.startsWith('.') ? line.slice(1) : line)).join('\r\n'),
    'latin1',
  );
}
