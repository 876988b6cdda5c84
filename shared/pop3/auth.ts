// Sign-in: picks the strongest mechanism both sides support and falls back
// down the chain (SASL SCRAM, PLAIN, LOGIN, CRAM-MD5, then USER/PASS; APOP
// only when asked or nothing else is offered). Talks through an AuthChannel
// that carries sign-in commands only; it never sees the session itself.

import type { Pop3Command } from './command.ts';
import { localError, Pop3Error, Pop3ReplyError } from './errors.ts';
import type { Capabilities, Greeting } from './replies.ts';
import { replyError, type Reply } from './reply-queue.ts';
import { endsSignIn, isFailedLogin } from './response-codes.ts';
import {
  apopDigest,
  canSendInitialResponse,
  createSaslMechanism,
  decodeBase64,
  encodeBase64,
  SASL_PREFERENCE,
} from './sasl/index.ts';

export interface Credentials {
  username: string;
  password: string;
  authzid?: string;
}

export interface LoginOptions {
  /** Use APOP first (the user asked for it). Otherwise APOP is the last resort. */
  preferApop?: boolean;
  /** Only try these mechanisms ('SCRAM-SHA-256', …, 'USER', 'APOP'). */
  mechanisms?: readonly string[];
}

/** The commands of the AUTHORIZATION state that sign in (RFC 1939 §7, RFC 5034 §4). */
export type AuthCommand = Extract<
  Pop3Command,
  { verb: 'USER' | 'PASS' | 'APOP' | 'AUTH' | 'SASL' }
>;

/**
 * What sign-in may do with a session: send sign-in commands, nothing else,
 * so no caller reaches a DELE around the session's UIDL check through it.
 */
export interface AuthChannel {
  /** Whether USER and PASS may leave together (RFC 2449 §6.6). */
  canPipeline(): boolean;
  /** Send one sign-in command; resolves with its reply, `-ERR` included. */
  send(command: AuthCommand): Promise<Reply>;
}

interface AuthContext {
  greeting: Greeting;
  caps: Capabilities;
  credentials: Credentials;
  options: LoginOptions;
}

/** The order in which mechanisms will be tried with this server. */
export function chooseMechanisms(context: Omit<AuthContext, 'credentials'>): string[] {
  const { greeting, caps, options } = context;
  const offered = new Set(caps.sasl);
  const chain = SASL_PREFERENCE.filter((name) => offered.has(name));
  // RFC 2449 §6.3: USER is advertised when USER/PASS works; without CAPA we assume it.
  if (caps.hasUser || !caps.isKnown) chain.push('USER');
  if (greeting.apopTimestamp) {
    if (options.preferApop) chain.unshift('APOP');
    else if (chain.length === 0) chain.push('APOP');
  }
  const allowed = options.mechanisms;
  return allowed ? chain.filter((name) => allowed.includes(name)) : chain;
}

/** Authenticate; resolves to the mechanism that worked. */
export async function authenticate(session: AuthChannel, context: AuthContext): Promise<string> {
  const chain = chooseMechanisms(context);
  if (chain.length === 0) {
    throw localError('POP3_NO_AUTH_MECHANISM', 'the server offers no sign-in method we support');
  }
  let lastError: Pop3ReplyError | undefined;
  for (const mechanism of chain) {
    try {
      await tryMechanism(session, mechanism, context);
      return mechanism;
    } catch (error) {
      if (!(error instanceof Pop3ReplyError)) throw error;
      const { responseCode } = error;
      // Busy or broken (IN-USE, SYS/PERM…): the server said why, and it is not
      // the password, so it is reported as it is, never as POP3_AUTH_FAILED.
      if (!isFailedLogin(responseCode)) throw error;
      lastError = error;
      if (endsSignIn(responseCode)) break;
    }
  }
  throw new Pop3ReplyError(
    'POP3_AUTH_FAILED',
    'the server did not accept the user name or password',
    lastError?.command ?? chain.join(', '),
    lastError?.responseCode,
    lastError?.serverText ?? '',
  );
}

async function expectOk(session: AuthChannel, command: AuthCommand): Promise<void> {
  const reply = await session.send(command);
  if (reply.status.kind !== 'ok') throw replyError(command, reply, 'POP3_ERR');
}

async function tryMechanism(
  session: AuthChannel,
  mechanism: string,
  { greeting, credentials }: AuthContext,
): Promise<void> {
  const { username, password } = credentials;
  if (mechanism === 'USER') {
    const user: AuthCommand = { verb: 'USER', name: username };
    const pass: AuthCommand = { verb: 'PASS', password };
    if (!session.canPipeline()) {
      await expectOk(session, user);
      await expectOk(session, pass);
      return;
    }
    // RFC 2449 §6.6: with PIPELINING, USER and PASS may leave together.
    const [userReply, passReply] = await Promise.all([session.send(user), session.send(pass)]);
    if (userReply.status.kind !== 'ok') throw replyError(user, userReply, 'POP3_ERR');
    if (passReply.status.kind !== 'ok') throw replyError(pass, passReply, 'POP3_ERR');
    return;
  }
  if (mechanism === 'APOP') {
    const digest = apopDigest(greeting.apopTimestamp ?? '', password);
    await expectOk(session, { verb: 'APOP', name: username, digest });
    return;
  }
  await saslExchange(session, mechanism, credentials);
}

/** RFC 5034 §4: AUTH with an optional initial response, then challenge/response. */
async function saslExchange(
  session: AuthChannel,
  name: string,
  credentials: Credentials,
): Promise<void> {
  const mechanism = createSaslMechanism(name, credentials);
  if (!mechanism) throw localError('POP3_NO_AUTH_MECHANISM', `${name} is not supported`);
  let initial = await mechanism.start();
  let command: AuthCommand = { verb: 'AUTH', mechanism: name };
  if (initial !== undefined && canSendInitialResponse(name, initial)) {
    command = { ...command, initialResponse: encodeBase64(initial) };
    initial = undefined;
  }
  let reply: Reply = await session.send(command);
  while (reply.status.kind === 'continue') {
    let response: Uint8Array;
    try {
      if (initial !== undefined) {
        // The initial response did not fit the AUTH line; the server asks for it.
        response = initial;
        initial = undefined;
      } else {
        response = await mechanism.respond(decodeBase64(reply.status.text.trim()));
      }
    } catch (error) {
      // Cancel so the server and we stay in step, then report why.
      await session.send({ verb: 'SASL', response: '*' }).catch(() => undefined);
      throw error;
    }
    command = { verb: 'SASL', response: encodeBase64(response) };
    reply = await session.send(command);
  }
  if (reply.status.kind !== 'ok') throw replyError(command, reply, 'POP3_ERR');
  if (!mechanism.isComplete()) {
    // SCRAM: a server that says +OK without proving it knows the password
    // may be an impostor (RFC 5802 §9).
    throw new Pop3Error('POP3_SASL_FAILED', `${name}: the server did not prove its identity`);
  }
}
