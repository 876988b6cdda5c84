// One mail transaction (RFC 5321 §3.3): MAIL, RCPT per recipient, DATA and the
// message. Everything is validated and encoded before the first byte leaves;
// with PIPELINING the commands go as one group (RFC 2920 §3.1), and each
// recipient's reply is kept so the person learns which address was refused.

import { isNonAscii } from './address.ts';
import { encodeCommand, type CommandContext, type SmtpCommand } from './command.ts';
import { dotStuff } from './data.ts';
import type { EhloCapabilities } from './ehlo.ts';
import {
  localError,
  SmtpRecipientError,
  type RefusedRecipient,
  type ReplySummary,
  type SmtpError,
  type SmtpErrorCode,
  type SmtpReplyError,
} from './errors.ts';
import { replyText, type SmtpReply } from './reply-parser.ts';

export interface Envelope {
  /** The reverse-path; '' for the null sender `<>`. */
  from: string;
  to: readonly string[];
  /** The message, lines ending in CRLF (see toCrlf() for building one). */
  message: Uint8Array;
}

export interface SendOptions {
  /** Bytes of DATA handed to the transport so far, of `total`. */
  onProgress?: (sent: number, total: number) => void;
  /**
   * 'abort' (the default): one refused recipient stops the message for all,
   * so nobody gets a mail the person did not mean to send that way.
   * 'continue': send to the recipients that were accepted.
   */
  onRefusedRecipient?: 'abort' | 'continue';
  /** Largest single write of the body; 64 KiB by default. */
  chunkSize?: number;
}

export interface SendResult {
  accepted: string[];
  refused: RefusedRecipient[];
  /** The server's reply to the end of data (its queue id is usually in the text). */
  reply: ReplySummary;
  /** Message octets, as declared in SIZE= (RFC 1870 §3). */
  size: number;
}

/** What a transaction needs of the session. */
export interface TransactionChannel {
  caps: EhloCapabilities;
  isPipelining: boolean;
  exchange(command: SmtpCommand): Promise<SmtpReply>;
  group(commands: readonly SmtpCommand[], context: CommandContext): Promise<SmtpReply>[];
  write(bytes: Uint8Array): Promise<void>;
  expectReply(): Promise<SmtpReply>;
  /** Close the connection: a message cut short is never delivered (RFC 5321 §4.1.1.4). */
  abort(error: SmtpError): void;
  replyError(command: SmtpCommand, reply: SmtpReply, code?: SmtpErrorCode): SmtpReplyError;
}

const DEFAULT_CHUNK = 64 * 1024;
const summary = (reply: SmtpReply): ReplySummary => ({
  code: reply.code,
  enhanced: reply.enhanced,
  text: replyText(reply),
});

/** RFC 5321 §4.1.1.3: 250 and 251 accept a recipient. */
const isAccepted = (reply: SmtpReply): boolean => reply.code === 250 || reply.code === 251;

function checkEnvelope(
  caps: EhloCapabilities,
  envelope: Envelope,
): { size: number; mail: SmtpCommand } {
  const { from, to, message } = envelope;
  if (to.length === 0)
    throw localError('SMTP_BAD_COMMAND', 'a message needs at least one recipient');
  const endsWithCrlf = message.length === 0 || (message.at(-2) === 0x0d && message.at(-1) === 0x0a);
  const size = message.length + (endsWithCrlf ? 0 : 2);
  // RFC 1870 §6: do not send what the server said it will refuse.
  if (caps.size !== undefined && caps.size > 0 && size > caps.size) {
    throw localError(
      'SMTP_TOO_LARGE',
      `the message is ${size} octets; the server takes ${caps.size}`,
    );
  }
  const isUtf8 = [from, ...to].some(isNonAscii);
  if (isUtf8 && !caps.smtpUtf8) {
    throw localError(
      'SMTP_UNSUPPORTED',
      'a non-ASCII address needs SMTPUTF8, which the server lacks',
    );
  }
  const is8Bit = message.some((byte) => byte >= 0x80);
  if (is8Bit && !caps.eightBitMime) {
    throw localError(
      'SMTP_UNSUPPORTED',
      '8-bit message data needs 8BITMIME, which the server lacks',
    );
  }
  const mail: SmtpCommand = {
    verb: 'MAIL',
    from,
    ...(caps.size !== undefined ? { size } : {}),
    // RFC 6152 §3 and RFC 6531 §3.4: say what the message carries.
    ...(is8Bit ? { body: '8BITMIME' as const } : {}),
    ...(isUtf8 ? { smtpUtf8: true } : {}),
  };
  return { size, mail };
}

/** Run one transaction; see SmtpSession.send(). */
export async function sendMessage(
  channel: TransactionChannel,
  envelope: Envelope,
  options: SendOptions = {},
): Promise<SendResult> {
  const { caps } = channel;
  const { size, mail } = checkEnvelope(caps, envelope);
  const data = dotStuff(envelope.message);
  const context: CommandContext = {
    extensions: caps,
    utf8Transaction: mail.verb === 'MAIL' && mail.smtpUtf8 === true,
  };
  const rcpts: SmtpCommand[] = envelope.to.map((to) => ({ verb: 'RCPT', to }));
  const dataCommand: SmtpCommand = { verb: 'DATA' };
  const commands = [mail, ...rcpts, dataCommand];
  for (const command of commands) encodeCommand(command, context);

  const policy = options.onRefusedRecipient ?? 'abort';
  let replies: SmtpReply[];
  if (channel.isPipelining) {
    replies = await Promise.all(channel.group(commands, context));
  } else {
    const mailReply = await channel.exchange(mail);
    replies = [mailReply];
    if (isAccepted(mailReply)) {
      for (const rcpt of rcpts) replies.push(await channel.exchange(rcpt));
      const accepted = replies.slice(1).filter(isAccepted).length;
      if (accepted === rcpts.length || (policy === 'continue' && accepted > 0)) {
        replies.push(await channel.exchange(dataCommand));
      }
    }
  }
  const [mailReply, ...rest] = replies as [SmtpReply, ...SmtpReply[]];
  const rcptReplies = rest.slice(0, rcpts.length);
  const dataReply = rest[rcpts.length];
  const isDataOpen = dataReply?.code === 354;
  const stop = async (error: SmtpError): Promise<never> => {
    // After 354 only the connection's end keeps the message from going out.
    if (isDataOpen) channel.abort(error);
    else await channel.exchange({ verb: 'RSET' }).catch(() => undefined);
    throw error;
  };

  if (mailReply.code !== 250) return stop(channel.replyError(mail, mailReply));
  const accepted: string[] = [];
  const refused: RefusedRecipient[] = [];
  // MAIL was accepted, so every RCPT went out and has its reply.
  envelope.to.forEach((address, index) => {
    const reply = rcptReplies[index];
    if (reply === undefined) return;
    if (isAccepted(reply)) accepted.push(address);
    else refused.push({ address, reply: summary(reply) });
  });
  if (refused.length > 0 && (policy === 'abort' || accepted.length === 0)) {
    const names = refused.map((entry) => entry.address).join(', ');
    return stop(new SmtpRecipientError(`the server refused ${names}`, refused));
  }
  if (!dataReply || !isDataOpen) {
    return stop(channel.replyError(dataCommand, dataReply ?? mailReply));
  }
  const final = await writeBody(channel, data, options);
  if (final.code !== 250) throw channel.replyError(dataCommand, final);
  return { accepted, refused, reply: summary(final), size };
}

async function writeBody(
  channel: TransactionChannel,
  data: Uint8Array,
  options: SendOptions,
): Promise<SmtpReply> {
  const chunk = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK);
  let early: SmtpReply | undefined;
  const final = channel.expectReply();
  final.then((reply) => (early = reply)).catch(() => undefined);
  for (let sent = 0; sent < data.length;) {
    if (early) {
      // The server answered before the end of data: whatever it read, the
      // stream is out of step now, and even a 250 cannot be believed.
      const code = early.code < 400 ? 'SMTP_UNEXPECTED_REPLY' : undefined;
      const error = channel.replyError({ verb: 'DATA' }, early, code);
      channel.abort(error);
      throw error;
    }
    const end = Math.min(data.length, sent + chunk);
    await channel.write(data.subarray(sent, end));
    sent = end;
    options.onProgress?.(sent, data.length);
  }
  return final;
}
