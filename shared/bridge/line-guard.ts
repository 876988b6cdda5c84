// Decides which browser bytes may go upstream: re-frames them into CRLF lines
// (leftovers kept across frames), checks each with the POP3 codec's own
// parser, and tracks SASL continuations. Pure; it never sees a socket and
// never turns a secret into a message or a log field.

import {
  MAX_COMMAND_LINE,
  MAX_SASL_LINE,
  parseCommandLine,
  replyShape,
  type Pop3Verb,
  type ReplyShape,
} from '../pop3/command.ts';
import { bridgeError, type BridgeError } from './errors.ts';
import { LineSplitter } from '../pop3/line-splitter.ts';
import { accountKey, safeUserName, saslIdentity } from './sasl-user.ts';

const CR = 0x0d;
const NUL = 0x00;

/** One client line that may go upstream, and what the auth watch needs to know of it. */
export interface CheckedLine {
  /** The line exactly as received, CRLF included: forward these bytes unchanged. */
  bytes: Uint8Array;
  /** `SASL` for a response to a `+ ` challenge (RFC 5034 §4). */
  verb: Pop3Verb;
  /** What the reply looks like (RFC 1939 §5–7), for following the server. */
  shape: ReplyShape;
  /** USER/APOP name, or the identity in the first SASL response; safe to log. */
  user?: string;
  /** The same name as the throttle counts it (accountKey), present even when unsafe to log. */
  account?: string;
  /** A SASL `*`: the client cancelled, so a -ERR is not a failed login. */
  isSaslCancel?: boolean;
}

export type GuardResult = { lines: CheckedLine[]; error?: undefined } | { error: BridgeError };

/** Verbs the browser may send (RFC 1939, 2449, 5034). Never STLS (docs/security.md #11). */
const ALLOWED = new Set<string>([
  'USER', 'PASS', 'APOP', 'AUTH', 'STAT', 'LIST', 'UIDL', 'RETR',
  'TOP', 'DELE', 'RSET', 'NOOP', 'QUIT', 'CAPA',
]); // prettier-ignore
/** Shown in errors: upper-case protocol words (XCLIENT, HELO), never a typed-in secret. */
const SAFE_VERB = /^[A-Z]{1,10}$/;
/** Shared: a non-streaming decode keeps no state, and each decoder costs native memory. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

type Named = Pick<CheckedLine, 'user' | 'account'>;

/** The log-safe name and the throttle's key of a user name, when there is one. */
function naming(name: string | undefined): Named {
  if (name === undefined) return {};
  const user = safeUserName(name);
  return { ...(user ? { user } : {}), account: accountKey(name) };
}

/**
 * Checks client→server bytes. Once it returns an error it is latched: every
 * later push returns the same error, so nothing more can slip upstream.
 */
export class LineGuard {
  private readonly splitter = new LineSplitter({
    maxLine: () => this.maxLine,
    isCrlfRequired: true,
  });
  private isSaslExpected = false;
  private saslMechanism: string | undefined;
  private isFirstSaslResponse = false;
  private lastUser: Named = {};
  private failure: BridgeError | undefined;

  /**
   * The server answered the pending AUTH or SASL line with `+ `: the next
   * client line is a SASL response, not a command (RFC 5034 §4).
   */
  expectSaslResponse(): void {
    this.isSaslExpected = true;
  }

  /** The longest line allowed now, CRLF included (RFC 2449 §4; RFC 5034 §4). */
  get maxLine(): number {
    return this.isSaslExpected ? MAX_SASL_LINE : MAX_COMMAND_LINE;
  }

  /** Feed one binary frame; returns the complete lines to forward, or an error. */
  push(bytes: Uint8Array): GuardResult {
    if (this.failure) return { error: this.failure };
    // popular-1.5.5: "a NUL byte can never be part of a valid POP3 dialogue".
    if (bytes.includes(NUL)) return this.fail('BRIDGE_LINE_REJECTED', 'NUL byte in a command');
    const lines: CheckedLine[] = [];
    for (let start = 0; start < bytes.length;) {
      // docs/security.md #30: a 10 KiB line without CRLF is refused before it completes.
      const read = this.splitter.read(bytes, start);
      if (read.kind === 'too-long') return this.tooLong();
      if (read.kind === 'partial') break;
      start = read.end;
      const checked = this.check(read.line);
      if ('code' in checked) return { error: this.latch(checked) };
      lines.push(checked);
    }
    return { lines };
  }

  private check(line: Uint8Array): CheckedLine | BridgeError {
    // RFC 1939 §3: CRLF ends a line. A bare LF or CR would let a second command
    // ride inside the first past this check (ruby/net-pop#31).
    if (line.length < 2 || line[line.length - 2] !== CR) {
      return bridgeError('BRIDGE_LINE_REJECTED', 'bare LF in a command line');
    }
    let text: string;
    try {
      text = UTF8.decode(line.subarray(0, -2));
    } catch {
      return bridgeError('BRIDGE_LINE_REJECTED', 'command line is not UTF-8');
    }
    if (text.includes('\r'))
      return bridgeError('BRIDGE_LINE_REJECTED', 'bare CR in a command line');
    return this.isSaslExpected ? this.checkSasl(line, text) : this.checkCommand(line, text);
  }

  private checkSasl(bytes: Uint8Array, text: string): CheckedLine | BridgeError {
    const command = parseCommandLine(text, { isSaslResponse: true });
    if (command instanceof Error) {
      return bridgeError('BRIDGE_LINE_REJECTED', 'SASL response is not base64');
    }
    this.isSaslExpected = false;
    const named =
      this.isFirstSaslResponse && this.saslMechanism
        ? naming(saslIdentity(this.saslMechanism, text))
        : {};
    this.isFirstSaslResponse = false;
    const isSaslCancel = text === '*';
    return { bytes, verb: 'SASL', shape: 'sasl', ...named, isSaslCancel };
  }

  private checkCommand(bytes: Uint8Array, text: string): CheckedLine | BridgeError {
    const word = text.split(' ', 1)[0] ?? '';
    const verb = word.toUpperCase();
    if (!ALLOWED.has(verb)) {
      // Name the verb only when it cannot be a secret typed in the wrong place.
      const shown = SAFE_VERB.test(word) ? ` ${word}` : '';
      return bridgeError('BRIDGE_VERB_FORBIDDEN', `command${shown} is not allowed`);
    }
    const command = parseCommandLine(text);
    if (command instanceof Error) {
      return bridgeError('BRIDGE_LINE_REJECTED', `malformed ${verb} command`);
    }
    const line: CheckedLine = { bytes, verb: command.verb, shape: replyShape(command) };
    switch (command.verb) {
      case 'USER':
        this.lastUser = naming(command.name);
        return { ...line, ...this.lastUser };
      case 'PASS':
        return { ...line, ...this.lastUser };
      case 'APOP':
        return { ...line, ...naming(command.name) };
      case 'AUTH': {
        this.saslMechanism = command.mechanism;
        const initial = command.initialResponse;
        this.isFirstSaslResponse = initial === undefined;
        return { ...line, ...(initial ? naming(saslIdentity(command.mechanism, initial)) : {}) };
      }
      default:
        return line;
    }
  }

  private tooLong(): GuardResult {
    return this.fail('BRIDGE_LINE_TOO_LONG', `command line over ${this.maxLine} octets`);
  }

  private fail(code: BridgeError['code'], message: string): GuardResult {
    return { error: this.latch(bridgeError(code, message)) };
  }

  private latch(error: BridgeError): BridgeError {
    this.failure = error;
    this.splitter.reset();
    return error;
  }
}
