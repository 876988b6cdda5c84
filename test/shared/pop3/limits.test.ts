// The limits module is the one source: every layer's cap equals its figure.

import { describe, expect, it } from 'vitest';
import { encodeCommand, MAX_COMMAND_LINE as COMMAND_MAX } from '../../../shared/pop3/command.ts';
import { Pop3Error } from '../../../shared/pop3/errors.ts';
import {
  DEFAULT_PARSER_LIMITS,
  DEFAULT_SESSION_LIMITS,
  MAX_COMMAND_LINE,
  MAX_NUMBER,
  MAX_STATUS_LINE,
  messageLimit,
} from '../../../shared/pop3/limits.ts';
import { parseListLine, parseStat } from '../../../shared/pop3/replies.ts';

describe('POP3 limits', () => {
  it('one status-line cap for the parser and the session', () => {
    expect(MAX_STATUS_LINE).toBe(8192);
    expect(DEFAULT_PARSER_LIMITS.maxStatusLine).toBe(MAX_STATUS_LINE);
    expect(DEFAULT_SESSION_LIMITS.maxStatusLine).toBe(MAX_STATUS_LINE);
    expect(COMMAND_MAX).toBe(MAX_COMMAND_LINE);
  });

  it('one largest number for commands we send and listings we read', () => {
    expect(() => encodeCommand({ verb: 'RETR', msg: MAX_NUMBER })).not.toThrow();
    expect(() => encodeCommand({ verb: 'RETR', msg: MAX_NUMBER + 1 })).toThrow(Pop3Error);
    expect(parseListLine(`1 ${MAX_NUMBER}`).size).toBe(MAX_NUMBER);
    expect(() => parseListLine(`1 ${MAX_NUMBER + 1}`)).toThrow(Pop3Error);
    // STAT's total may pass 2 GiB: a big mailbox is not a broken one.
    expect(parseStat(`3 ${MAX_NUMBER + 1}`).size).toBe(MAX_NUMBER + 1);
  });

  it('bounds a message by its LIST size with slack, never past the cap', () => {
    expect(messageLimit(undefined, 1000)).toBe(1000);
    expect(messageLimit(1000, 10 ** 9)).toBe(1100 + 64 * 1024);
    expect(messageLimit(10 ** 9, 5000)).toBe(5000);
  });
});
