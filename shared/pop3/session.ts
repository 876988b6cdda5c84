// The POP3 client session: a queue of sent commands matched to replies,
// pipelining when the server allows it, and the RFC 1939 states. Runs over an
// abstract transport; knows nothing of TLS, sockets or WebSockets.

import { decodeText, splitLines } from './bytes.ts';
import type { Pop3Command } from './command.ts';
import type { Pop3Error } from './errors.ts';
import { localError, protocolError } from './errors.ts';
import { authenticate, type AuthChannel, type Credentials, type LoginOptions } from './auth.ts';
import {
  parseCapa,
  parseGreeting,
  parseList,
  parseStat,
  parseUidl,
  parseUidlLine,
  UNKNOWN_CAPABILITIES,
  type Capabilities,
  type Greeting,
  type ListEntry,
  type Stat,
  type UidlEntry,
} from './replies.ts';
import { DEFAULT_SESSION_LIMITS, messageLimit, type SessionLimits } from './limits.ts';
import { replyError, ReplyQueue, type Reply, type Pop3Transport } from './reply-queue.ts';

export type { Pop3Transport, Reply } from './reply-queue.ts';

export type SessionState = 'greeting' | 'authorization' | 'transaction' | 'update' | 'closed';

export interface Pop3SessionOptions {
  limits?: Partial<SessionLimits>;
  /** 'off' for servers known to advertise PIPELINING and then break it. */
  pipelining?: 'auto' | 'off';
  /** Fail when a reply is awaited and no byte arrives for this long; 0 disables. */
  replyTimeoutMs?: number;
}

export interface RetrOptions {
  /** The size from LIST, to bound the reply and report progress. */
  expectedSize?: number;
  onProgress?: (received: number, expected: number | undefined) => void;
}

/** The bytes up to and including the blank line that ends the header block. */
function headerBlock(message: Uint8Array): Uint8Array {
  for (let lf = message.indexOf(0x0a); lf >= 0; lf = message.indexOf(0x0a, lf + 1)) {
    const next = message[lf + 1];
    if (next === 0x0a) return message.subarray(0, lf + 2);
    if (next === 0x0d && message[lf + 2] === 0x0a) return message.subarray(0, lf + 3);
  }
  return message;
}

/**
 * A POP3 session over a transport. Feed it bytes with receive(); call
 * transportClosed() when the connection ends.
 */
export class Pop3Session {
  readonly greeting: Promise<Greeting>;
  private currentState: SessionState = 'greeting';
  private readonly limits: SessionLimits;
  private readonly queue: ReplyQueue;
  private caps: Capabilities | undefined;
  /** The state in which `caps` was read: RFC 2449 §5 lets them change after login. */
  private capsState: SessionState | undefined;
  private uidlMap: Map<number, string> | undefined;

  constructor(
    transport: Pop3Transport,
    private readonly options: Pop3SessionOptions = {},
  ) {
    this.limits = { ...DEFAULT_SESSION_LIMITS, ...options.limits };
    this.queue = new ReplyQueue(transport, {
      limits: this.limits,
      replyTimeoutMs: options.replyTimeoutMs ?? 0,
      canPipeline: () => this.isPipelining,
      onClose: () => (this.currentState = 'closed'),
    });
    this.greeting = this.queue.greeting().then((reply) => {
      if (reply.status.kind !== 'ok') throw replyError('greeting', reply, 'POP3_ERR');
      this.currentState = 'authorization';
      return parseGreeting(reply.status.text);
    });
    // An unobserved rejection here is reported through the first command instead.
    this.greeting.catch(() => undefined);
  }

  get state(): SessionState {
    return this.currentState;
  }

  /**
   * Why the session ended, once it has: the session closes its transport
   * itself on a protocol error or a timeout, and this says which.
   */
  get closeReason(): Pop3Error | undefined {
    return this.queue.closeReason;
  }

  /** True once a pipelined batch came back out of step: reconnect with pipelining 'off'. */
  get isPipeliningBroken(): boolean {
    return this.queue.isPipeliningBroken;
  }

  /** Bytes from the server. */
  receive(bytes: Uint8Array): void {
    this.queue.receive(bytes);
  }

  /** The connection ended; everything pending fails with POP3_CLOSED. */
  transportClosed(cause?: unknown): void {
    const isQuitDone = this.currentState === 'update' && this.queue.pendingCount === 0;
    this.queue.close(
      isQuitDone
        ? undefined
        : localError('POP3_CLOSED', 'the connection to the POP3 server closed', { cause }),
    );
  }

  /** CAPA (RFC 2449), cached per state; a server without CAPA gets RFC 1939 defaults. */
  async capabilities(refresh = false): Promise<Capabilities> {
    if (this.caps && !refresh && this.capsState === this.currentState) return this.caps;
    await this.greeting;
    const state = this.currentState;
    const reply = await this.exchange({ verb: 'CAPA' });
    this.caps =
      reply.status.kind === 'ok' ? parseCapa(this.lines(reply.body)) : UNKNOWN_CAPABILITIES;
    this.capsState = state;
    return this.caps;
  }

  /** The capabilities read last (possibly before login), without a round trip. */
  get knownCapabilities(): Capabilities | undefined {
    return this.caps;
  }

  /** Sign in with the best mechanism both sides support; returns its name. */
  async login(credentials: Credentials, options: LoginOptions = {}): Promise<string> {
    const greeting = await this.greeting;
    const caps = await this.capabilities();
    // Sign-in gets sign-in commands only: a DELE cannot go round dele()'s check.
    const channel: AuthChannel = {
      canPipeline: () => this.isPipelining,
      send: (command) => this.exchange(command),
    };
    const mechanism = await authenticate(channel, { greeting, caps, credentials, options });
    // The pre-login capabilities stay in use (PIPELINING included) until
    // capabilities() is asked again in this state.
    this.currentState = 'transaction';
    return mechanism;
  }

  async stat(): Promise<Stat> {
    return parseStat((await this.request({ verb: 'STAT' })).status.text);
  }

  async list(): Promise<ListEntry[]> {
    return parseList(this.lines((await this.request({ verb: 'LIST' })).body));
  }

  /** UIDL of every message; remembered for dele()'s check within this session. */
  async uidl(): Promise<UidlEntry[]> {
    const entries = parseUidl(this.lines((await this.request({ verb: 'UIDL' })).body));
    this.uidlMap = new Map(entries.map((entry) => [entry.msg, entry.uidl]));
    return entries;
  }

  async uidlOne(msg: number): Promise<UidlEntry> {
    return this.echoed(parseUidlLine((await this.request({ verb: 'UIDL', msg })).status.text), msg);
  }

  /** Headers and the first `lines` body lines (RFC 1939 §7). */
  async top(msg: number, lines: number, options: RetrOptions = {}): Promise<Uint8Array> {
    return (
      (await this.request({ verb: 'TOP', msg, lines }, this.messageLimit(options))).body ??
      new Uint8Array()
    );
  }

  /**
   * TOP for many messages, pipelined when the server allows it (a listing of
   * N messages must not cost N round trips). `onEach` sees each as it lands.
   */
  async topMany(
    msgs: readonly number[],
    lines: number,
    onEach?: (msg: number, bytes: Uint8Array) => void,
  ): Promise<void> {
    await Promise.all(
      msgs.map(async (msg) => {
        const bytes = await this.top(msg, lines);
        onEach?.(msg, bytes);
      }),
    );
  }

  /**
   * The header block of a message: TOP n 0, or the start of RETR for servers
   * without TOP (RFC 1939 lists TOP as optional).
   */
  async headers(msg: number): Promise<Uint8Array> {
    const caps = this.caps ?? UNKNOWN_CAPABILITIES;
    if (caps.hasTop) {
      const reply = await this.exchange(
        { verb: 'TOP', msg, lines: 0 },
        this.limits.maxMessageBytes,
      );
      if (reply.status.kind === 'ok') return reply.body ?? new Uint8Array();
      // Without CAPA we only guessed that TOP exists; RETR still works.
      if (caps.isKnown) throw replyError({ verb: 'TOP', msg, lines: 0 }, reply, 'POP3_ERR');
    }
    return headerBlock(await this.retr(msg));
  }

  /** The whole message, with progress. */
  async retr(msg: number, options: RetrOptions = {}): Promise<Uint8Array> {
    return (
      (await this.request({ verb: 'RETR', msg }, this.messageLimit(options), options)).body ??
      new Uint8Array()
    );
  }

  /** The message in chunks, without holding it whole; resolves to its size. */
  async retrStream(
    msg: number,
    onChunk: (chunk: Uint8Array) => void,
    options: RetrOptions = {},
  ): Promise<number> {
    let size = 0;
    const count = (chunk: Uint8Array): void => {
      size += chunk.length;
      onChunk(chunk);
    };
    await this.request({ verb: 'RETR', msg }, this.messageLimit(options), options, count);
    return size;
  }

  /**
   * Mark a message for deletion, but only if `msg` still names `uidl` in this
   * session (DESIGN.md: data safety). Deletion happens at QUIT.
   */
  async dele(msg: number, uidl: string): Promise<void> {
    if (this.caps?.isKnown && !this.caps.hasUidl) throw this.readOnly();
    let current = this.uidlMap?.get(msg);
    if (current === undefined) {
      const reply = await this.exchange({ verb: 'UIDL', msg });
      // RFC 1939 lists UIDL as optional; without it no delete can be checked.
      if (reply.status.kind !== 'ok') throw this.readOnly();
      current = this.echoed(parseUidlLine(reply.status.text), msg).uidl;
    }
    if (current !== uidl) {
      throw localError('POP3_UNEXPECTED_REPLY', `message ${msg} is no longer ${uidl}; not deleted`);
    }
    await this.request({ verb: 'DELE', msg });
  }

  private readOnly(): Pop3Error {
    return localError(
      'POP3_UNSUPPORTED',
      'this server has no UIDL, so messages cannot be deleted safely: the mailbox is read-only',
    );
  }

  async rset(): Promise<void> {
    await this.request({ verb: 'RSET' });
  }

  async noop(): Promise<void> {
    await this.request({ verb: 'NOOP' });
  }

  /** QUIT: in TRANSACTION this commits deletions (RFC 1939 §6). */
  async quit(): Promise<void> {
    if (this.currentState === 'transaction') this.currentState = 'update';
    await this.request({ verb: 'QUIT' });
    this.queue.close();
  }

  /** Send a command and resolve with its reply, `-ERR` included. */
  private exchange(
    command: Pop3Command,
    maxBytes?: number,
    observe?: (chunk: Uint8Array) => void,
    isCollected = true,
  ): Promise<Reply> {
    return this.queue.exchange(command, maxBytes, observe, isCollected);
  }

  /** Whether commands may be written before earlier replies arrive (RFC 2449 §6.6). */
  get isPipelining(): boolean {
    return (
      this.options.pipelining !== 'off' &&
      !this.queue.isPipeliningBroken &&
      !!this.caps?.hasPipelining
    );
  }

  private async request(
    command: Pop3Command,
    maxBytes?: number,
    progress?: RetrOptions,
    onChunk?: (chunk: Uint8Array) => void,
  ): Promise<Reply> {
    let observe: ((chunk: Uint8Array) => void) | undefined;
    if (progress?.onProgress || onChunk) {
      let received = 0;
      observe = (chunk) => {
        received += chunk.length;
        onChunk?.(chunk);
        progress?.onProgress?.(received, progress.expectedSize);
      };
    }
    const reply = await this.exchange(command, maxBytes, observe, !onChunk);
    if (reply.status.kind !== 'ok') throw replyError(command, reply, 'POP3_ERR');
    return reply;
  }

  private messageLimit(options: RetrOptions): number {
    return messageLimit(options.expectedSize, this.limits.maxMessageBytes);
  }

  private lines(body: Uint8Array | undefined): string[] {
    return splitLines(decodeText(body ?? new Uint8Array()));
  }

  private echoed<T extends { msg: number }>(entry: T, msg: number): T {
    if (entry.msg !== msg) {
      const error = protocolError('POP3_BAD_LISTING', `asked for message ${msg}, got ${entry.msg}`);
      throw error;
    }
    return entry;
  }
}
