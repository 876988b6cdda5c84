// POP3 commands: the typed union, validation, encoding to bytes, parsing of a
// client line (for the gateway's line guard and the demo server), and
// redaction for logs. Knows nothing of sockets or sessions.

import { localError, type Pop3Error } from './errors.ts';
import { MAX_COMMAND_LINE, MAX_NUMBER, MAX_SASL_LINE } from './limits.ts';

export type Pop3Command =
  | { verb: 'USER'; name: string }
  | { verb: 'PASS'; password: string }
  | { verb: 'APOP'; name: string; digest: string }
  | { verb: 'AUTH'; mechanism: string; initialResponse?: string }
  /** A client response to a SASL `+ ` challenge: base64, or `*` to cancel. */
  | { verb: 'SASL'; response: string }
  | { verb: 'STAT' }
  | { verb: 'LIST'; msg?: number }
  | { verb: 'UIDL'; msg?: number }
  | { verb: 'RETR'; msg: number }
  | { verb: 'TOP'; msg: number; lines: number }
  | { verb: 'DELE'; msg: number }
  | { verb: 'RSET' }
  | { verb: 'NOOP' }
  | { verb: 'QUIT' }
  | { verb: 'CAPA' }
  | { verb: 'STLS' };

export type Pop3Verb = Pop3Command['verb'];

/** What a reply to a command looks like; decided by the command, never by the bytes. */
export type ReplyShape = 'single' | 'multi' | 'sasl';

// Kept here too for the gateway's line guard, which imports them from this module.
export { MAX_COMMAND_LINE, MAX_NUMBER, MAX_SASL_LINE } from './limits.ts';

const encoder = new TextEncoder();
const SASL_RESPONSE = /^(?:[A-Za-z0-9+/]*={0,2}|\*)$/;
const MECHANISM = /^[A-Z0-9_-]{1,20}$/i;
const DIGEST = /^[0-9a-f]{32}$/i;
const DECIMAL = /^[0-9]{1,10}$/;
const PRINTABLE_NAME = /^[^\s\0]+$/u;

/** Which reply shape each command expects (RFC 1939 §5–7, RFC 2449 §5, RFC 5034). */
export function replyShape(command: Pop3Command): ReplyShape {
  switch (command.verb) {
    case 'LIST':
    case 'UIDL':
      return command.msg === undefined ? 'multi' : 'single';
    case 'RETR':
    case 'TOP':
    case 'CAPA':
      return 'multi';
    case 'AUTH':
    case 'SASL':
      return 'sasl';
    default:
      return 'single';
  }
}

function fail(message: string): Pop3Error {
  return localError('POP3_BAD_COMMAND', message);
}

function checkText(what: string, value: string): void {
  // RFC 1939 §3: a command is one CRLF-terminated line; an embedded CR, LF or
  // NUL would smuggle a second command past every check (ruby/net-pop#31).
  if (/[\r\n\0]/.test(value)) throw fail(`${what} must not contain CR, LF or NUL`);
}

function checkNumber(what: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > MAX_NUMBER) {
    throw fail(`${what} must be an integer from ${min} to ${MAX_NUMBER}, got ${String(value)}`);
  }
}

/** The command as one line of text without CRLF, validated. Throws POP3_BAD_COMMAND. */
export function formatCommand(command: Pop3Command): string {
  let line: string;
  switch (command.verb) {
    case 'USER':
      checkText('USER name', command.name);
      if (!PRINTABLE_NAME.test(command.name)) throw fail('USER name must be non-empty, no spaces');
      line = `USER ${command.name}`;
      break;
    case 'PASS':
      checkText('PASS password', command.password);
      line = `PASS ${command.password}`;
      break;
    case 'APOP':
      checkText('APOP name', command.name);
      if (!PRINTABLE_NAME.test(command.name)) throw fail('APOP name must be non-empty, no spaces');
      if (!DIGEST.test(command.digest)) throw fail('APOP digest must be 32 hex digits');
      line = `APOP ${command.name} ${command.digest.toLowerCase()}`;
      break;
    case 'AUTH':
      if (!MECHANISM.test(command.mechanism)) throw fail('AUTH mechanism name is not valid');
      if (command.initialResponse !== undefined && !SASL_RESPONSE.test(command.initialResponse)) {
        throw fail('AUTH initial response must be base64 or "="');
      }
      line =
        command.initialResponse === undefined
          ? `AUTH ${command.mechanism.toUpperCase()}`
          : `AUTH ${command.mechanism.toUpperCase()} ${command.initialResponse || '='}`;
      break;
    case 'SASL':
      if (!SASL_RESPONSE.test(command.response)) throw fail('SASL response must be base64 or "*"');
      line = command.response;
      break;
    case 'LIST':
    case 'UIDL':
      if (command.msg !== undefined) checkNumber('message number', command.msg, 1);
      line = command.msg === undefined ? command.verb : `${command.verb} ${command.msg}`;
      break;
    case 'RETR':
    case 'DELE':
      checkNumber('message number', command.msg, 1);
      line = `${command.verb} ${command.msg}`;
      break;
    case 'TOP':
      checkNumber('message number', command.msg, 1);
      checkNumber('TOP line count', command.lines, 0);
      line = `TOP ${command.msg} ${command.lines}`;
      break;
    default:
      line = command.verb;
  }
  const octets = encoder.encode(line).length + 2;
  const max = command.verb === 'SASL' ? MAX_SASL_LINE : MAX_COMMAND_LINE;
  if (octets > max) throw fail(`${command.verb} line is ${octets} octets; the limit is ${max}`);
  return line;
}

/** The command as CRLF-terminated bytes, validated. Throws POP3_BAD_COMMAND. */
export function encodeCommand(command: Pop3Command): Uint8Array<ArrayBuffer> {
  return encoder.encode(`${formatCommand(command)}\r\n`);
}

/** The command for a log line or an error message: secrets become `****** [len]`. */
export function redactCommand(command: Pop3Command): string {
  const hidden = (secret: string): string => `****** [${secret.length}]`;
  switch (command.verb) {
    case 'PASS':
      return `PASS ${hidden(command.password)}`;
    case 'APOP':
      return `APOP ${command.name} ${hidden(command.digest)}`;
    case 'AUTH':
      return command.initialResponse === undefined
        ? `AUTH ${command.mechanism}`
        : `AUTH ${command.mechanism} ${hidden(command.initialResponse)}`;
    case 'SASL':
      return hidden(command.response);
    default:
      return formatCommand(command);
  }
}

function parseNumberArg(text: string | undefined, min: number): number | undefined {
  if (text === undefined || !DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= MAX_NUMBER ? value : undefined;
}

/**
 * Parse one client line (without CRLF) into a command, the way a server reads
 * it. With `isSaslResponse` the line is a reply to a `+ ` challenge. Returns the
 * command, or a POP3_BAD_COMMAND error for anything that is not a well-formed,
 * known command. The gateway uses this to decide what may go upstream.
 */
export function parseCommandLine(
  line: string,
  options: { isSaslResponse?: boolean } = {},
): Pop3Command | Pop3Error {
  if (/[\r\n\0]/.test(line)) return fail('a command line must not contain CR, LF or NUL');
  if (options.isSaslResponse) {
    if (encoder.encode(line).length + 2 > MAX_SASL_LINE) return fail('SASL response too long');
    return SASL_RESPONSE.test(line) ? { verb: 'SASL', response: line } : fail('not base64');
  }
  if (encoder.encode(line).length + 2 > MAX_COMMAND_LINE) {
    return fail(`command line over ${MAX_COMMAND_LINE} octets`);
  }
  const space = line.indexOf(' ');
  const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
  const rest = space < 0 ? '' : line.slice(space + 1);
  const args = rest === '' ? [] : rest.split(' ');
  const none = (command: Pop3Command): Pop3Command | Pop3Error =>
    args.length === 0 ? command : fail(`${verb} takes no argument`);
  const msgArg = (): number | undefined =>
    args.length === 1 ? parseNumberArg(args[0], 1) : undefined;

  switch (verb) {
    case 'USER':
      return rest && PRINTABLE_NAME.test(rest) ? { verb, name: rest } : fail('USER needs a name');
    case 'PASS':
      // RFC 1939 §7: the password is the rest of the line, spaces included.
      return rest ? { verb, password: rest } : fail('PASS needs a password');
    case 'APOP': {
      const [name, digest] = args;
      return args.length === 2 && name && PRINTABLE_NAME.test(name) && DIGEST.test(digest ?? '')
        ? { verb, name, digest: digest ?? '' }
        : fail('APOP needs a name and a 32-digit digest');
    }
    case 'AUTH': {
      const [mechanism, initial] = args;
      if (args.length < 1 || args.length > 2 || !mechanism || !MECHANISM.test(mechanism)) {
        return fail('AUTH needs a mechanism name');
      }
      if (initial === undefined) return { verb, mechanism: mechanism.toUpperCase() };
      if (!SASL_RESPONSE.test(initial) && initial !== '=') return fail('AUTH response not base64');
      return {
        verb,
        mechanism: mechanism.toUpperCase(),
        initialResponse: initial === '=' ? '' : initial,
      };
    }
    case 'STAT':
    case 'RSET':
    case 'NOOP':
    case 'QUIT':
    case 'CAPA':
    case 'STLS':
      return none({ verb });
    case 'LIST':
    case 'UIDL': {
      if (args.length === 0) return { verb };
      const msg = msgArg();
      return msg === undefined ? fail(`${verb} takes one message number`) : { verb, msg };
    }
    case 'RETR':
    case 'DELE': {
      const msg = msgArg();
      return msg === undefined ? fail(`${verb} needs one message number`) : { verb, msg };
    }
    case 'TOP': {
      const msg = parseNumberArg(args[0], 1);
      const lines = parseNumberArg(args[1], 0);
      return args.length === 2 && msg !== undefined && lines !== undefined
        ? { verb, msg, lines }
        : fail('TOP needs a message number and a line count');
    }
    default:
      return fail(`unknown command ${JSON.stringify(verb.slice(0, 16))}`);
  }
}
