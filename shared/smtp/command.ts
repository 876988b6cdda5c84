// SMTP submission commands: the typed union, validation before encoding, the
// parse of a client line (for the gateway's guard, the same rules read the
// other way), and redaction for logs. Knows nothing of sockets or sessions.

import { checkAddress, checkDomain, isNonAscii } from './address.ts';
import { localError, type SmtpError } from './errors.ts';
import type { EhloCapabilities } from './ehlo.ts';

export type SmtpCommand =
  | { verb: 'EHLO'; domain: string }
  | { verb: 'AUTH'; mechanism: string; initialResponse?: string }
  /** A client response to a `334` challenge (RFC 4954 §4): base64, or `*` to cancel. */
  | { verb: 'SASL'; response: string }
  /** `from` is '' for the null reverse-path `<>` (RFC 5321 §4.5.5). */
  | { verb: 'MAIL'; from: string; size?: number; body?: '7BIT' | '8BITMIME'; smtpUtf8?: boolean }
  | { verb: 'RCPT'; to: string }
  | { verb: 'DATA' }
  | { verb: 'RSET' }
  | { verb: 'NOOP' }
  | { verb: 'QUIT' };

export type SmtpVerb = SmtpCommand['verb'];

/** What the command may use: the extensions offered, and whether MAIL chose SMTPUTF8. */
export interface CommandContext {
  extensions?: Pick<EhloCapabilities, 'size' | 'eightBitMime' | 'smtpUtf8'>;
  /** RFC 6531 §3.4: RCPT may carry UTF-8 only in a transaction started with SMTPUTF8. */
  utf8Transaction?: boolean;
}

/** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets, CRLF included. */
export const MAX_COMMAND_LINE = 512;
/** RFC 4954 §4: AUTH lines and SASL responses up to 12288 octets must be accepted. */
export const MAX_AUTH_LINE = 12288;
/** RFC 1870 §3: SIZE values are decimal; anything past 2^53 is not a real message. */
const MAX_SIZE = Number.MAX_SAFE_INTEGER;

const encoder = new TextEncoder();
const SASL_RESPONSE = /^(?:[A-Za-z0-9+/]*={0,2}|\*)$/;
// RFC 4422 §3.1.
const MECHANISM = /^[A-Z0-9_-]{1,20}$/i;
const DECIMAL = /^[0-9]{1,16}$/;

function fail(message: string): SmtpError {
  return localError('SMTP_BAD_COMMAND', message);
}

function checkText(what: string, value: string): void {
  // RFC 5321 §2.3.8: a command is one CRLF-terminated line; an embedded CR,
  // LF or NUL would smuggle a second command past every check.
  if (/[\r\n\0]/.test(value)) throw fail(`${what} must not contain CR, LF or NUL`);
}

function checkPath(what: string, address: string, utf8: boolean): void {
  checkText(what, address);
  const reason = checkAddress(address, { utf8 });
  if (reason !== undefined) throw localError('SMTP_BAD_ADDRESS', `${what}: ${reason}`);
}

function mailLine(
  command: Extract<SmtpCommand, { verb: 'MAIL' }>,
  context: CommandContext,
): string {
  const offered = context.extensions;
  const utf8 = command.smtpUtf8 === true;
  if (utf8 && !offered?.smtpUtf8) throw localError('SMTP_UNSUPPORTED', 'SMTPUTF8 is not offered');
  if (command.from !== '') checkPath('MAIL FROM', command.from, utf8);
  let line = `MAIL FROM:<${command.from}>`;
  if (command.size !== undefined) {
    // RFC 1870 §6: SIZE= only when the server named SIZE in its EHLO reply.
    if (offered?.size === undefined) throw localError('SMTP_UNSUPPORTED', 'SIZE is not offered');
    if (!Number.isSafeInteger(command.size) || command.size < 0 || command.size > MAX_SIZE) {
      throw fail('SIZE must be a non-negative integer');
    }
    line += ` SIZE=${command.size}`;
  }
  if (command.body !== undefined) {
    // RFC 6152 §2: BODY=8BITMIME only when offered.
    if (command.body === '8BITMIME' && !offered?.eightBitMime) {
      throw localError('SMTP_UNSUPPORTED', '8BITMIME is not offered');
    }
    line += ` BODY=${command.body}`;
  }
  if (utf8) line += ' SMTPUTF8';
  return line;
}

/** The command as one line of text without CRLF, validated. Throws SMTP_BAD_COMMAND and kin. */
export function formatCommand(command: SmtpCommand, context: CommandContext = {}): string {
  let line: string;
  switch (command.verb) {
    case 'EHLO': {
      checkText('EHLO domain', command.domain);
      const reason = checkDomain(command.domain);
      if (reason !== undefined) throw fail(`EHLO domain: ${reason}`);
      line = `EHLO ${command.domain}`;
      break;
    }
    case 'AUTH':
      if (!MECHANISM.test(command.mechanism)) throw fail('AUTH mechanism name is not valid');
      if (command.initialResponse !== undefined && !SASL_RESPONSE.test(command.initialResponse)) {
        throw fail('AUTH initial response must be base64');
      }
      // RFC 4954 §4: an empty initial response is sent as "=".
      line = `AUTH ${command.mechanism.toUpperCase()}`;
      if (command.initialResponse !== undefined) line += ` ${command.initialResponse || '='}`;
      break;
    case 'SASL':
      if (!SASL_RESPONSE.test(command.response)) throw fail('SASL response must be base64 or "*"');
      line = command.response;
      break;
    case 'MAIL':
      line = mailLine(command, context);
      break;
    case 'RCPT': {
      const utf8 = context.utf8Transaction ?? false;
      if (isNonAscii(command.to) && !utf8) {
        throw localError('SMTP_BAD_ADDRESS', 'RCPT TO: a non-ASCII address needs SMTPUTF8');
      }
      checkPath('RCPT TO', command.to, utf8);
      line = `RCPT TO:<${command.to}>`;
      break;
    }
    default:
      line = command.verb;
  }
  const octets = encoder.encode(line).length + 2;
  const isAuth = command.verb === 'AUTH' || command.verb === 'SASL';
  const max = isAuth ? MAX_AUTH_LINE : MAX_COMMAND_LINE;
  if (octets > max) throw fail(`${command.verb} line is ${octets} octets; the limit is ${max}`);
  return line;
}

/** The command as CRLF-terminated bytes, validated. */
export function encodeCommand(
  command: SmtpCommand,
  context: CommandContext = {},
): Uint8Array<ArrayBuffer> {
  return encoder.encode(`${formatCommand(command, context)}\r\n`);
}

/** The command for a log line or an error message: secrets and addresses hidden. */
export function redactCommand(command: SmtpCommand): string {
  const hidden = (secret: string): string => `****** [${secret.length}]`;
  switch (command.verb) {
    case 'AUTH':
      return command.initialResponse === undefined
        ? `AUTH ${command.mechanism}`
        : `AUTH ${command.mechanism} ${hidden(command.initialResponse)}`;
    case 'SASL':
      return hidden(command.response);
    case 'MAIL':
      return 'MAIL FROM:<…>';
    case 'RCPT':
      return 'RCPT TO:<…>';
    case 'EHLO':
      return `EHLO ${command.domain}`;
    default:
      return command.verb;
  }
}

/** `<path>` at the start of `text`, honouring quoted local parts; the rest follows. */
function readPath(text: string): { path: string; rest: string } | undefined {
  if (!text.startsWith('<')) return undefined;
  let isQuoted = false;
  for (let i = 1; i < text.length; i++) {
    const char = text[i];
    if (isQuoted && char === '\\') i++;
    else if (char === '"') isQuoted = !isQuoted;
    else if (char === '>' && !isQuoted) return { path: text.slice(1, i), rest: text.slice(i + 1) };
  }
  return undefined;
}

function parseMail(args: string, context: CommandContext): SmtpCommand {
  const read = readPath(args);
  if (!read) throw fail('MAIL needs FROM:<address>');
  const command: Extract<SmtpCommand, { verb: 'MAIL' }> = { verb: 'MAIL', from: read.path };
  const params = read.rest === '' ? [] : read.rest.replace(/^ /, '').split(' ');
  if (read.rest !== '' && !read.rest.startsWith(' ')) throw fail('MAIL parameters need a space');
  for (const param of params) {
    const [key, value] = param.split('=', 2) as [string, string | undefined];
    const name = key.toUpperCase();
    if (
      name === 'SIZE' &&
      value !== undefined &&
      DECIMAL.test(value) &&
      command.size === undefined
    ) {
      command.size = Number(value);
    } else if (
      name === 'BODY' &&
      command.body === undefined &&
      value !== undefined &&
      /^(7BIT|8BITMIME)$/i.test(value)
    ) {
      command.body = value.toUpperCase() as '7BIT' | '8BITMIME';
    } else if (name === 'SMTPUTF8' && value === undefined && !command.smtpUtf8) {
      command.smtpUtf8 = true;
    } else {
      // Fail closed: AUTH=, RET=, ENVID= and unknown parameters do not pass.
      throw fail('MAIL parameter not allowed');
    }
  }
  formatCommand(command, context);
  return command;
}

/**
 * Parse one client line (without CRLF) the way a server reads it, by the same
 * rules as the encoder. With `isSaslResponse` the line answers a 334. Returns
 * the command, or an SmtpError for anything not well-formed or not known.
 */
export function parseCommandLine(
  line: string,
  options: CommandContext & { isSaslResponse?: boolean } = {},
): SmtpCommand | SmtpError {
  try {
    if (/[\r\n\0]/.test(line)) throw fail('a command line must not contain CR, LF or NUL');
    if (options.isSaslResponse) {
      const command: SmtpCommand = { verb: 'SASL', response: line };
      formatCommand(command);
      return command;
    }
    const space = line.indexOf(' ');
    const verb = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const rest = space < 0 ? '' : line.slice(space + 1);
    let command: SmtpCommand;
    switch (verb) {
      case 'EHLO':
        command = { verb, domain: rest };
        break;
      case 'AUTH': {
        const [mechanism = '', initial, extra] = rest.split(' ');
        if (extra !== undefined) throw fail('AUTH takes a mechanism and one response');
        command = { verb, mechanism: mechanism.toUpperCase() };
        if (initial !== undefined) command.initialResponse = initial === '=' ? '' : initial;
        break;
      }
      case 'MAIL':
        if (!/^FROM:/i.test(rest)) throw fail('MAIL needs FROM:<address>');
        return parseMail(rest.slice(5), options);
      case 'RCPT': {
        const read = /^TO:/i.test(rest) ? readPath(rest.slice(3)) : undefined;
        // Parameters (DSN NOTIFY=, ORCPT=) are not let through: fail closed.
        if (!read || read.rest !== '') throw fail('RCPT needs TO:<address> and nothing more');
        command = { verb, to: read.path };
        break;
      }
      case 'DATA':
      case 'RSET':
      case 'NOOP':
      case 'QUIT':
        if (rest !== '' || space >= 0) throw fail(`${verb} takes no argument`);
        command = { verb };
        break;
      default:
        throw fail(`unknown command ${JSON.stringify(verb.slice(0, 16))}`);
    }
    formatCommand(command, options);
    return command;
  } catch (error) {
    return error as SmtpError;
  }
}
