// One client connection of the demo server: reads lines in order, asks the
// session for each reply, applies the faults, writes with backpressure, and
// upgrades to TLS on STLS. Owns the socket; knows no POP3 rule itself.

import { Buffer } from 'node:buffer';
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { parseCommandLine, redactCommand, type Pop3Command } from '../../shared/pop3/command.ts';
import { Pop3Error } from '../../shared/pop3/errors.ts';
import { MAX_SASL_LINE } from '../../shared/pop3/limits.ts';
import { SendBudget, type DemoFaults, type DemoScriptedReply } from './faults.ts';
import { LineBuffer } from './line-buffer.ts';
import type { DemoSession, Reply } from './session.ts';

/** What a connection needs from its server. */
export interface ConnectionConfig {
  sessionIndex: number;
  session: DemoSession;
  faults: DemoFaults;
  /** For the STLS upgrade. */
  secureContext: SecureContext;
  /** Note one received line, secrets already redacted. */
  record(line: string): void;
}

/** Stop reading from a client that pipelines this much without reading replies. */
const MAX_BUFFERED_INPUT = 256 * 1024;
const RECORDED_LINE_CAP = 200;
/** After our FIN, a client that neither reads nor closes is cut off after this. */
const LINGER_MS = 5_000;
const SECRET_VERBS = /^(?:PASS|APOP|AUTH)(?: |$)/i;

/** Drives one socket from greeting to close. */
export class DemoConnection {
  readonly #config: ConnectionConfig;
  readonly #input = new LineBuffer(MAX_SASL_LINE);
  readonly #budget: SendBudget;
  readonly #closed: Promise<void>;
  readonly #markClosed: () => void;
  /** The TCP socket; #socket becomes a TLSSocket over it after STLS. */
  readonly #raw: Socket;
  #socket: Socket;
  #isInputEnded = false;
  #isClosed = false;
  #wake: (() => void) | undefined;
  #commandIndex = 0;
  /** Settles when everything written so far has left for the kernel. */
  #flushed: Promise<void> = Promise.resolve();

  constructor(socket: Socket, config: ConnectionConfig) {
    this.#raw = socket;
    this.#socket = socket;
    this.#config = config;
    this.#budget = new SendBudget(config.faults.dropAfterBytes);
    let markClosed = (): void => {};
    this.#closed = new Promise((resolve) => (markClosed = resolve));
    this.#markClosed = markClosed;
    socket.on('close', this.#onClose);
    this.#listen(socket);
  }

  /** Tear the connection down now. */
  destroy(): void {
    this.#socket.destroy();
    this.#raw.destroy();
  }

  /** Serve the session until QUIT, close or a fault ends it. Never rejects. */
  async run(): Promise<void> {
    const { session, faults } = this.#config;
    try {
      await this.#pause(faults.replyDelayMs);
      if (!(await this.#write(faults.greeting ?? `${session.greeting()}\r\n`))) return;
      for (;;) {
        const next = await this.#nextLine();
        if (!next) break;
        if (next.kind === 'too-long') {
          this.#config.record(`<line over ${MAX_SASL_LINE} octets>`);
          await this.#send({ status: '-ERR line too long', then: 'close' });
          break;
        }
        if (!(await this.#serve(next.text))) break;
      }
    } catch {
      // A fault hook that throws, or a socket error mid-write: the session ends.
      this.#socket.destroy();
    } finally {
      session.end();
      this.#finish();
    }
  }

  /** Answer one line; false when the session is over. */
  async #serve(line: string): Promise<boolean> {
    const { session, faults } = this.#config;
    const isSasl = session.isAwaitingSaslResponse;
    const command = parseCommandLine(line, { isSaslResponse: isSasl });
    this.#config.record(redactLine(line, command, isSasl));
    if (command instanceof Pop3Error) return this.#send(session.reject(command));

    const action = faults.onCommand?.(command, {
      sessionIndex: this.#config.sessionIndex,
      commandIndex: this.#commandIndex++,
      user: session.user,
    });
    if (action === 'drop') {
      // Earlier replies were sent; a crashing server does not take them back.
      await Promise.race([this.#flushed, this.#closed]);
      this.#socket.destroy();
      return false;
    }
    if (action === 'stall') return this.#stall();
    if (typeof action === 'object' && !(action instanceof Uint8Array)) {
      return this.#script(action);
    }
    if (action !== undefined) {
      await this.#pause(faults.replyDelayMs);
      return this.#write(action);
    }

    const reply = session.handle(command);
    // Detach before +OK leaves: the client's TLS hello must reach TLS, not us.
    if (reply.then === 'starttls') this.#detachPlain();
    if (!(await this.#send(reply))) return false;
    if (reply.then === 'starttls') this.#startTls();
    return reply.then !== 'close';
  }

  /** Answer nothing more; false once the client is gone. */
  async #stall(): Promise<boolean> {
    // Stalled, yet a real server still notices the client leaving: the
    // session ends (and frees the maildrop lock) when its input ends.
    while (!this.#isInputEnded && !this.#isClosed) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    this.#socket.destroy();
    return false;
  }

  async #script(reply: DemoScriptedReply): Promise<boolean> {
    await this.#pause(this.#config.faults.replyDelayMs);
    for (const [index, chunk] of reply.chunks.entries()) {
      if (index > 0) {
        // Each chunk in its own TLS record: wait until the last one left.
        await Promise.race([this.#flushed, this.#closed]);
        await this.#pause(reply.gapMs);
      }
      if (!(await this.#write(chunk))) return false;
    }
    if (reply.then === 'stall') return this.#stall();
    // 'close': run() ends the session and #finish() sends the FIN after the bytes.
    return reply.then !== 'close';
  }

  async #send(reply: Reply): Promise<boolean> {
    await this.#pause(reply.delayMs);
    await this.#pause(this.#config.faults.replyDelayMs);
    if (!(await this.#write(`${reply.status}\r\n`))) return false;
    for (const chunk of reply.body ?? []) {
      if (!(await this.#write(chunk))) return false;
    }
    return true;
  }

  /** Write under the byte budget, awaiting 'drain'; false once the socket is gone. */
  async #write(data: Uint8Array | string): Promise<boolean> {
    if (this.#isClosed) return false;
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const allowed = this.#budget.take(bytes.length);
    if (this.#budget.isExhausted) {
      // dropAfterBytes: let exactly the allowed bytes reach the kernel, then cut.
      if (allowed === 0) this.#socket.destroy();
      else this.#socket.write(bytes.subarray(0, allowed), () => this.#socket.destroy());
      await this.#closed;
      return false;
    }
    let isBelowHighWater = true;
    this.#flushed = new Promise((resolve) => {
      isBelowHighWater = this.#socket.write(bytes, () => resolve());
    });
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set inside the Promise executor, which runs synchronously before this line
    if (!isBelowHighWater) {
      await Promise.race([
        new Promise<void>((resolve) => this.#socket.once('drain', resolve)),
        this.#closed,
      ]);
    }
    return !this.#isClosed;
  }

  async #pause(ms: number | undefined): Promise<void> {
    if (!ms || this.#isClosed) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
      this.#closed,
    ]);
    clearTimeout(timer);
  }

  async #nextLine(): Promise<ReturnType<LineBuffer['shift']>> {
    for (;;) {
      const next = this.#input.shift();
      if (this.#input.size < MAX_BUFFERED_INPUT && this.#socket.isPaused()) this.#socket.resume();
      if (next) return next;
      if (this.#isInputEnded || this.#isClosed) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#input.push(chunk);
    if (this.#input.size >= MAX_BUFFERED_INPUT) this.#socket.pause();
    this.#notify();
  };

  readonly #onEnd = (): void => {
    this.#isInputEnded = true;
    this.#notify();
  };

  readonly #onClose = (): void => {
    this.#isClosed = true;
    this.#markClosed();
    this.#notify();
  };

  readonly #onError = (): void => {
    // 'close' follows; the error itself (reset by peer, bad TLS hello) is the client's business.
  };

  #listen(socket: Socket): void {
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
  }

  #detachPlain(): void {
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    this.#socket.pause();
    // RFC 2595 §4, CVE-2011-0411: lines pipelined after STLS came in clear and
    // must never run inside the TLS session.
    this.#input.clear();
  }

  #startTls(): void {
    const secure = new TLSSocket(this.#socket, {
      isServer: true,
      secureContext: this.#config.secureContext,
    });
    secure.on('close', this.#onClose);
    secure.on('close', () => this.#raw.destroy());
    this.#socket = secure;
    this.#listen(secure);
  }

  /** Send FIN, drop whatever the client still sends, and cut off a client that lingers. */
  #finish(): void {
    if (this.#isClosed) return;
    this.#socket.off('data', this.#onData);
    this.#socket.resume();
    this.#socket.end();
    setTimeout(() => this.destroy(), LINGER_MS).unref();
  }
}

function redactLine(line: string, command: Pop3Command | Pop3Error, isSasl: boolean): string {
  if (!(command instanceof Pop3Error)) return redactCommand(command);
  if (isSasl) return `****** [${line.length}]`;
  if (SECRET_VERBS.test(line)) return `${line.split(' ', 1)[0] ?? ''} ******`;
  return line.length > RECORDED_LINE_CAP ? `${line.slice(0, RECORDED_LINE_CAP)}…` : line;
}
