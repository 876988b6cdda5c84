// An in-memory POP3 mailbox for the web client's store tests: a real
// Pop3Session on the client side, a small RFC 1939 server on the other, and
// connections that can be dropped at any command. Deletions happen at QUIT only.

import {
  ConnectionError,
  type ConnectionEnd,
  type Pop3Connection,
} from '../../client/connection.ts';
import { Pop3Session, type Pop3SessionOptions } from '../../shared/pop3/index.ts';

export interface FakeMessage {
  uidl: string;
  /** The raw message, CRLF line ends. */
  text: string;
}

/**
 * What a hook may do with a command line: return a reply to send, 'drop' to
 * drop the connection, or undefined to let the server answer.
 */
export type CommandHook = (line: string, server: FakeServerSession) => string | undefined;

export interface FakeMailboxOptions {
  password?: string;
  capabilities?: string[];
  /** A second session while one is open gets -ERR [IN-USE] (like Dovecot's lock). */
  isLocking?: boolean;
}

const DEFAULT_CAPABILITIES = ['TOP', 'UIDL', 'USER', 'PIPELINING', 'RESP-CODES', 'AUTH-RESP-CODE'];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function multiline(lines: readonly string[]): string {
  const body = lines.map((line) => (line.startsWith('.') ? `.${line}` : line));
  return `${body.map((line) => `${line}\r\n`).join('')}.\r\n`;
}

function messageLines(text: string): string[] {
  const lines = text.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A message with the given headers and body, CRLF line ends. */
export function makeMessage(headers: Record<string, string>, body = 'Hello.'): string {
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return [...head, '', ...body.split('\n')].join('\r\n') + '\r\n';
}

/** The server side of one connection. */
export class FakeServerSession {
  readonly commands: string[] = [];
  writes = 0;
  state: 'authorization' | 'transaction' | 'closed' = 'authorization';
  private user = '';
  private snapshot: FakeMessage[] = [];
  private readonly deleted = new Set<number>();
  private partial = '';

  constructor(
    private readonly mailbox: FakeMailbox,
    private readonly connection: FakeConnection,
  ) {}

  receive(bytes: Uint8Array): void {
    this.writes++;
    const parts = (this.partial + decoder.decode(bytes)).split('\r\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (this.state === 'closed') return;
      this.commands.push(line);
      this.mailbox.log.push(line);
      const hooked = this.mailbox.hook?.(line, this);
      if (hooked === 'drop') {
        this.connection.drop();
        return;
      }
      this.connection.deliver(hooked ?? this.answer(line));
    }
  }

  close(): void {
    if (this.state === 'transaction') this.mailbox.release(this);
    this.state = 'closed';
  }

  private message(arg: string | undefined): FakeMessage | undefined {
    const n = Number(arg);
    if (!Number.isInteger(n) || n < 1 || this.deleted.has(n)) return undefined;
    return this.snapshot[n - 1];
  }

  private answer(line: string): string {
    const [verb = '', ...args] = line.split(' ');
    const upper = verb.toUpperCase();
    if (upper === 'CAPA') return `+OK\r\n${multiline(this.mailbox.capabilities)}`;
    if (upper === 'QUIT') {
      if (this.state === 'transaction') this.mailbox.commit(this.snapshot, this.deleted);
      this.close();
      this.connection.closeSoon();
      return '+OK bye\r\n';
    }
    if (this.state === 'authorization') {
      if (upper === 'USER') {
        this.user = args[0] ?? '';
        return '+OK\r\n';
      }
      if (upper === 'PASS') {
        if (args.join(' ') !== this.mailbox.password || this.user === '') {
          return '-ERR [AUTH] invalid user name or password\r\n';
        }
        if (!this.mailbox.acquire(this)) return '-ERR [IN-USE] mailbox locked\r\n';
        this.state = 'transaction';
        this.snapshot = [...this.mailbox.messages];
        return '+OK logged in\r\n';
      }
      return '-ERR not allowed\r\n';
    }
    const live = this.snapshot.flatMap((m, i) =>
      this.deleted.has(i + 1) ? [] : [[i + 1, m] as const],
    );
    const size = (m: FakeMessage): number => encoder.encode(m.text).length;
    switch (upper) {
      case 'STAT':
        return `+OK ${live.length} ${live.reduce((n, [, m]) => n + size(m), 0)}\r\n`;
      case 'NOOP':
        return '+OK\r\n';
      case 'RSET':
        this.deleted.clear();
        return '+OK\r\n';
      case 'LIST':
      case 'UIDL': {
        const value = (n: number, m: FakeMessage): string =>
          `${n} ${upper === 'LIST' ? size(m) : m.uidl}`;
        if (args[0] !== undefined) {
          const m = this.message(args[0]);
          return m ? `+OK ${value(Number(args[0]), m)}\r\n` : '-ERR no such message\r\n';
        }
        return `+OK\r\n${multiline(live.map(([n, m]) => value(n, m)))}`;
      }
      case 'TOP':
      case 'RETR': {
        const m = this.message(args[0]);
        if (!m) return '-ERR no such message\r\n';
        const lines = messageLines(m.text);
        if (upper === 'RETR') return `+OK\r\n${multiline(lines)}`;
        const blank = lines.indexOf('');
        const head = blank < 0 ? lines : lines.slice(0, blank + 1);
        const body = blank < 0 ? [] : lines.slice(blank + 1, blank + 1 + Number(args[1] ?? 0));
        return `+OK\r\n${multiline([...head, ...body])}`;
      }
      case 'DELE': {
        const n = Number(args[0]);
        if (!this.message(args[0])) return '-ERR no such message\r\n';
        this.deleted.add(n);
        return `+OK message ${n} deleted\r\n`;
      }
      default:
        return '-ERR unknown command\r\n';
    }
  }
}

/** The client side: a Pop3Connection whose bytes go to a FakeServerSession. */
export class FakeConnection implements Pop3Connection {
  readonly session: Pop3Session;
  readonly opened: Promise<unknown>;
  readonly ended: Promise<ConnectionEnd>;
  readonly server: FakeServerSession;
  isEnded = false;
  private resolveEnded!: (end: ConnectionEnd) => void;

  constructor(
    private readonly mailbox: FakeMailbox,
    options: Pop3SessionOptions,
    failure?: ConnectionError,
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.server = new FakeServerSession(mailbox, this);
    this.session = new Pop3Session(
      { write: (bytes) => this.server.receive(bytes), close: () => this.close() },
      options,
    );
    if (failure) {
      this.opened = Promise.reject(failure);
      this.opened.catch(() => undefined);
      queueMicrotask(() => this.end(failure));
      return;
    }
    this.opened = Promise.resolve();
    this.deliver('+OK fake POP3 ready\r\n');
  }

  /** Server bytes reach the client asynchronously, like a network. */
  deliver(text: string): void {
    const bytes = encoder.encode(text);
    const size = this.mailbox.chunkBytes ?? bytes.length;
    for (let at = 0; at < bytes.length || at === 0; at += Math.max(1, size)) {
      const chunk = bytes.slice(at, at + Math.max(1, size));
      void Promise.resolve().then(() => {
        if (!this.isEnded) this.session.receive(chunk);
      });
    }
  }

  /** The server closes after QUIT's reply has been delivered. */
  closeSoon(): void {
    void Promise.resolve()
      .then(() => undefined)
      .then(() => this.end(undefined));
  }

  close(): void {
    this.end(undefined);
  }

  /** The connection drops (network, gateway restart): no QUIT, nothing committed. */
  drop(
    error = new ConnectionError('CONNECTION_LOST', 'dropped', {
      isRetryable: true,
      closeCode: 1006,
    }),
  ): void {
    this.end(error);
  }

  private end(error: ConnectionError | undefined): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.server.close();
    this.session.transportClosed(error);
    this.resolveEnded({ error });
  }
}

/** A mailbox shared by every connection made to it. */
export class FakeMailbox {
  messages: FakeMessage[];
  password: string;
  capabilities: string[];
  readonly connections: FakeConnection[] = [];
  /** Every command line of every session, in order. */
  readonly log: string[] = [];
  hook: CommandHook | undefined;
  /** Deliver server bytes in chunks of this size (progress tests); whole replies by default. */
  chunkBytes: number | undefined;
  /** The next connect() fails to open with this error. */
  failNext: ConnectionError[] = [];
  private holder: FakeServerSession | undefined;

  constructor(
    messages: FakeMessage[],
    private readonly options: FakeMailboxOptions = {},
  ) {
    this.messages = messages;
    this.password = options.password ?? 'secret';
    this.capabilities = options.capabilities ?? DEFAULT_CAPABILITIES;
  }

  connect = (_server: string, options: Pop3SessionOptions): FakeConnection => {
    const connection = new FakeConnection(this, options, this.failNext.shift());
    this.connections.push(connection);
    return connection;
  };

  get last(): FakeConnection {
    return this.connections[this.connections.length - 1]!;
  }

  acquire(server: FakeServerSession): boolean {
    if (this.options.isLocking && this.holder && this.holder !== server) return false;
    this.holder = server;
    return true;
  }

  release(server: FakeServerSession): void {
    if (this.holder === server) this.holder = undefined;
  }

  /** QUIT in TRANSACTION: the session's deletions take effect. */
  commit(snapshot: readonly FakeMessage[], deleted: ReadonlySet<number>): void {
    const gone = new Set([...deleted].map((n) => snapshot[n - 1]));
    this.messages = this.messages.filter((m) => !gone.has(m));
  }

  uidls(): string[] {
    return this.messages.map((m) => m.uidl);
  }
}

/** `count` simple messages, uidl `u1`…, subject `Message n`, one minute apart. */
export function sampleMessages(count: number, start = 1): FakeMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const n = start + i;
    const date = new Date(Date.UTC(2025, 0, 1, 8, n)).toUTCString().replace('GMT', '+0000');
    return {
      uidl: `u${n}`,
      text: makeMessage({
        From: `Sender ${n} <sender${n}@example.org>`,
        Subject: `Message ${n}`,
        Date: date,
      }),
    };
  });
}
