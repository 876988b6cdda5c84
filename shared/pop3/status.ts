// One POP3 status line (`+OK …`, `-ERR [CODE] …`, SASL `+ …`) into a typed
// value. Pure and linear; the reply parser and the gateway both use it.

import type { Pop3ResponseCode } from './errors.ts';

export type StatusLine =
  | { kind: 'ok'; text: string; responseCode: Pop3ResponseCode | undefined }
  | { kind: 'err'; text: string; responseCode: Pop3ResponseCode | undefined }
  /** RFC 5034 §4: a SASL challenge, `+` SP base64. */
  | { kind: 'continue'; text: string };

// RFC 2449 §8: resp-code = "[" resp-level *("/" resp-level) "]"; resp-level =
// 1*<any CHAR except "/", "[", "]", SP, CTL>. Bounded so a hostile line
// cannot make this slow.
const RESPONSE_CODE = /^\[([!-.0-Z\\^-~]{1,64}(?:\/[!-.0-Z\\^-~]{1,64}){0,8})\](?: |$)/;

function splitResponseCode(text: string): {
  text: string;
  responseCode: Pop3ResponseCode | undefined;
} {
  const match = RESPONSE_CODE.exec(text);
  if (!match?.[1]) return { text, responseCode: undefined };
  return { text: text.slice(match[0].length), responseCode: match[1].toUpperCase() };
}

/**
 * Parse a status line given without its CRLF. Returns undefined when the line
 * is not a POP3 status at all (the caller turns that into a protocol error).
 */
export function parseStatusLine(line: string): StatusLine | undefined {
  if (line.startsWith('+OK') && (line.length === 3 || line[3] === ' ')) {
    return { kind: 'ok', ...splitResponseCode(line.slice(4)) };
  }
  if (line.startsWith('-ERR') && (line.length === 4 || line[4] === ' ')) {
    return { kind: 'err', ...splitResponseCode(line.slice(5)) };
  }
  // Some servers send a bare "+" for an empty challenge.
  if (line === '+' || line.startsWith('+ ')) return { kind: 'continue', text: line.slice(2) };
  return undefined;
}
