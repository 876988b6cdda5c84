// SMTP AUTH (RFC 4954): picks the strongest mechanism both sides support, in
// the POP3 side's order (SCRAM-SHA-256, SCRAM-SHA-1, PLAIN, LOGIN, CRAM-MD5),
// and falls down the chain only when a mechanism is refused as such; a wrong
// password (535, 5.7.8) stops at once, as POP3's [AUTH] does.

import { MAX_AUTH_LINE, type SmtpCommand } from './command.ts';
import type { EhloCapabilities } from './ehlo.ts';
import { localError, SmtpReplyError } from './errors.ts';
import type { SmtpReply } from './reply-parser.ts';
import {
  createSmtpMechanism,
  decodeChallenge,
  encodeBase64,
  SASL_PREFERENCE,
  type SaslCredentials,
  type SaslOptions,
} from './sasl.ts';

export interface SmtpLoginOptions {
  /** Only try these mechanisms. */
  mechanisms?: readonly string[];
  sasl?: SaslOptions;
}

/** What authenticate() needs of the session. */
export interface AuthChannel {
  exchange(command: SmtpCommand): Promise<SmtpReply>;
  replyError(command: SmtpCommand, reply: SmtpReply): SmtpReplyError;
}

/** The order in which mechanisms will be tried with this server. */
export function chooseMechanisms(
  caps: Pick<EhloCapabilities, 'auth'>,
  options: SmtpLoginOptions = {},
): string[] {
  const offered = new Set(caps.auth);
  const chain = SASL_PREFERENCE.filter((name) => offered.has(name));
  const allowed = options.mechanisms;
  return allowed ? chain.filter((name) => allowed.includes(name)) : chain;
}

/**
 * Mechanism refused as such, so the next may work: 504 unrecognised (RFC 4954
 * §4), 534 too weak and 538 encryption required (RFC 4954 §6), 501/500 the
 * server could not read it. 535 means the credentials are wrong: stop.
 */
const TRY_NEXT = new Set([500, 501, 502, 504, 534, 538]);

/** Authenticate; resolves to the mechanism that worked. */
export async function authenticate(
  channel: AuthChannel,
  caps: Pick<EhloCapabilities, 'auth'>,
  credentials: SaslCredentials,
  options: SmtpLoginOptions = {},
): Promise<string> {
  const chain = chooseMechanisms(caps, options);
  if (chain.length === 0) {
    throw localError('SMTP_NO_AUTH_MECHANISM', 'the server offers no sign-in method we support');
  }
  let lastError: SmtpReplyError | undefined;
  for (const name of chain) {
    try {
      await saslExchange(channel, name, credentials, options.sasl);
      return name;
    } catch (error) {
      if (!(error instanceof SmtpReplyError) || !TRY_NEXT.has(error.reply.code)) throw error;
      lastError = error;
    }
  }
  throw new SmtpReplyError(
    'SMTP_AUTH_FAILED',
    'the server refused every sign-in method we tried',
    lastError?.command ?? chain.join(', '),
    lastError?.reply ?? { code: 535, enhanced: undefined, text: '' },
  );
}

/** `AUTH <name> <base64>` fits the RFC 4954 §4 line limit. */
function fitsInitialResponse(name: string, initial: Uint8Array): boolean {
  // Mechanism names and base64 are ASCII: characters are octets.
  return `AUTH ${name} ${encodeBase64(initial) || '='}\r\n`.length <= MAX_AUTH_LINE;
}

async function saslExchange(
  channel: AuthChannel,
  name: string,
  credentials: SaslCredentials,
  options: SaslOptions | undefined,
): Promise<void> {
  const mechanism = createSmtpMechanism(name, credentials, options);
  if (!mechanism) throw localError('SMTP_NO_AUTH_MECHANISM', `${name} is not supported`);
  let initial = await mechanism.start();
  let command: SmtpCommand = { verb: 'AUTH', mechanism: name };
  if (initial !== undefined && fitsInitialResponse(name, initial)) {
    command = { ...command, initialResponse: encodeBase64(initial) };
    initial = undefined;
  }
  let reply = await channel.exchange(command);
  while (reply.code === 334) {
    let response: Uint8Array;
    try {
      if (initial !== undefined) {
        // The initial response did not fit the AUTH line; RFC 4954 §4: the
        // server's empty challenge asks for it.
        response = initial;
        initial = undefined;
      } else {
        response = await mechanism.respond(decodeChallenge(reply.lines[0] ?? ''));
      }
    } catch (error) {
      // RFC 4954 §4: "*" cancels, so the server and we stay in step.
      await channel.exchange({ verb: 'SASL', response: '*' }).catch(() => undefined);
      throw error;
    }
    command = { verb: 'SASL', response: encodeBase64(response) };
    reply = await channel.exchange(command);
  }
  if (reply.code !== 235) throw channel.replyError(command, reply);
  const extra = reply.lines[0]?.trim() ?? '';
  if (!mechanism.isComplete() && /^[A-Za-z0-9+/]+={0,2}$/.test(extra)) {
    // Servers that put SCRAM's server-final into the 235 text.
    try {
      await mechanism.respond(decodeChallenge(extra));
    } catch {
      // A signature that does not verify leaves the mechanism incomplete: refused below.
    }
  }
  if (!mechanism.isComplete()) {
    // SCRAM: a 235 without proof that the server knows the password may come
    // from an impostor (RFC 5802 §9).
    throw localError('SMTP_SASL_FAILED', `${name}: the server did not prove its identity`);
  }
}
