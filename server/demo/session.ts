// The POP3 conversation of one demo session as a state machine: a parsed
// command in, a reply out (RFC 1939, 2449, 2595, 5034). No sockets, no timers.

import type { Pop3Command } from '../../shared/pop3/command.ts';
import type { Pop3Error } from '../../shared/pop3/errors.ts';
import {
  checkApop,
  checkPassword,
  decodePlain,
  decodeSaslText,
  LOGIN_PASSWORD_CHALLENGE,
  LOGIN_USERNAME_CHALLENGE,
  makeApopTimestamp,
} from './auth.ts';
import type { DemoMessage, DemoUser, MailboxStore } from './mailbox.ts';
import type { DemoCapabilities } from './options.ts';
import { listingBody, stuffedBody, topOfMessage } from './wire.ts';

/** What the connection sends for one command, and what it does after. */
export interface Reply {
  /** The status line without CRLF: `+OK …`, `-ERR …`, or a SASL `+ …` challenge. */
  status: string;
  /** A multi-line body, dot-stuffed and terminated. */
  body?: Iterable<Uint8Array>;
  /** Wait this long before answering: failed sign-ins are slowed down. */
  delayMs?: number;
  /** 'close' after QUIT or a fatal error; 'starttls' right after STLS's +OK. */
  then?: 'close' | 'starttls';
}

/** What a session needs from its server. */
export interface SessionConfig {
  users: readonly DemoUser[];
  store: MailboxStore;
  capabilities: Required<DemoCapabilities>;
  /** STLS mode: sign-in is refused until TLS is on (RFC 2595 §2). */
  isStartTls: boolean;
}

/** A failed sign-in waits this long, so even here guessing passwords is slow. */
export const AUTH_FAILURE_DELAY_MS = 200;

type Transaction = {
  name: 'transaction';
  user: string;
  /** RFC 1939 §5: message numbers are fixed for the session, deleted ones included. */
  messages: readonly DemoMessage[];
  deleted: Set<DemoMessage>;
};

type State =
  | { name: 'authorization'; pendingUser?: string }
  | { name: 'sasl-plain' }
  | { name: 'sasl-login-user' }
  | { name: 'sasl-login-password'; user: string }
  | Transaction
  | { name: 'update' };

type SignInCommand = Extract<Pop3Command, { verb: 'USER' | 'PASS' | 'APOP' | 'AUTH' }>;
type TransactionCommand = Exclude<
  Pop3Command,
  SignInCommand | { verb: 'SASL' | 'CAPA' | 'QUIT' | 'STLS' }
>;

const ok = (text: string): Reply => ({ status: `+OK ${text}` });
const err = (text: string): Reply => ({ status: `-ERR ${text}` });
const WRONG_STATE = err('command not valid in this state');

/** One POP3 session; the connection feeds it commands in order. */
export class DemoSession {
  readonly #config: SessionConfig;
  readonly #timestamp: string | undefined;
  #state: State = { name: 'authorization' };
  #hasTls: boolean;

  constructor(config: SessionConfig) {
    this.#config = config;
    this.#timestamp = config.capabilities.apop ? makeApopTimestamp() : undefined;
    this.#hasTls = !config.isStartTls;
  }

  /** The greeting line without CRLF, with the APOP timestamp when APOP is on. */
  greeting(): string {
    const text = '+OK POP3 webmail demo server ready (loopback only, not a real mailbox)';
    return this.#timestamp ? `${text} ${this.#timestamp}` : text;
  }

  /** True while the next line is the answer to a SASL challenge (RFC 5034 §4). */
  get isAwaitingSaslResponse(): boolean {
    return this.#state.name.startsWith('sasl-');
  }

  /** The signed-in user, else the name being signed in, if any. */
  get user(): string | undefined {
    const state = this.#state;
    if (state.name === 'transaction' || state.name === 'sasl-login-password') return state.user;
    return state.name === 'authorization' ? state.pendingUser : undefined;
  }

  handle(command: Pop3Command): Reply {
    if (this.isAwaitingSaslResponse) return this.#saslStep(command);
    switch (command.verb) {
      case 'CAPA':
        return this.#capa();
      case 'QUIT':
        return this.#quit();
      case 'STLS':
        return this.#stls();
      case 'SASL':
        return err('no SASL exchange in progress');
      case 'USER':
      case 'PASS':
      case 'APOP':
      case 'AUTH':
        return this.#signIn(command);
      default:
        return this.#transaction(command);
    }
  }

  /** The reply to a line the codec could not parse. */
  reject(error: Pop3Error): Reply {
    if (this.isAwaitingSaslResponse) {
      this.#state = { name: 'authorization' };
      return err('malformed SASL response, authentication cancelled');
    }
    return err(error.message);
  }

  /** The connection is gone: release the lock, delete nothing (RFC 1939 §6). */
  end(): void {
    if (this.#state.name === 'transaction') this.#config.store.unlock(this.#state.user);
    this.#state = { name: 'update' };
  }

  #capa(): Reply {
    const { capabilities } = this.#config;
    if (!capabilities.capa) return err('unknown command "CAPA"');
    const lines: string[] = [];
    if (capabilities.top) lines.push('TOP');
    if (capabilities.uidl) lines.push('UIDL');
    // RFC 2595 §4: before STLS, advertise no way to send a password in clear.
    if (this.#hasTls) lines.push('USER');
    if (capabilities.pipelining) lines.push('PIPELINING');
    lines.push('RESP-CODES', 'AUTH-RESP-CODE');
    if (this.#hasTls && capabilities.sasl.length > 0) {
      lines.push(`SASL ${capabilities.sasl.join(' ')}`);
    }
    lines.push('EXPIRE NEVER', 'IMPLEMENTATION pop3-webmail-demo');
    if (!this.#hasTls) lines.push('STLS');
    return { status: '+OK capability list follows', body: listingBody(lines) };
  }

  #quit(): Reply {
    const state = this.#state;
    this.#state = { name: 'update' };
    if (state.name !== 'transaction') return { status: '+OK bye', then: 'close' };
    // RFC 1939 §6: only QUIT from TRANSACTION enters UPDATE and deletes.
    this.#config.store.commit(state.user, state.deleted);
    this.#config.store.unlock(state.user);
    const left = state.messages.length - state.deleted.size;
    return { status: `+OK demo POP3 server signing off (${left} messages left)`, then: 'close' };
  }

  #stls(): Reply {
    if (!this.#config.isStartTls) return err('STLS is not offered: this connection is already TLS');
    if (this.#hasTls) return err('TLS is already active');
    if (this.#state.name !== 'authorization') return WRONG_STATE;
    this.#state = { name: 'authorization' };
    // From here on the connection is TLS or gone.
    this.#hasTls = true;
    return { status: '+OK begin TLS negotiation', then: 'starttls' };
  }

  #signIn(command: SignInCommand): Reply {
    const state = this.#state;
    if (state.name !== 'authorization') return WRONG_STATE;
    if (!this.#hasTls) return err('TLS required: send STLS first');
    const { users } = this.#config;
    switch (command.verb) {
      case 'USER':
        this.#state = { name: 'authorization', pendingUser: command.name };
        return ok('send PASS');
      case 'PASS':
        if (state.pendingUser === undefined) return err('send USER first');
        return this.#enter(checkPassword(users, state.pendingUser, command.password));
      case 'APOP':
        if (this.#timestamp === undefined) return err('APOP is not offered');
        return this.#enter(checkApop(users, command.name, command.digest, this.#timestamp));
      case 'AUTH':
        return this.#auth(command.mechanism, command.initialResponse);
    }
  }

  #auth(mechanism: string, initialResponse: string | undefined): Reply {
    this.#state = { name: 'authorization' };
    if (!this.#config.capabilities.sasl.includes(mechanism)) {
      return err(`SASL mechanism ${mechanism} is not offered`);
    }
    if (mechanism === 'PLAIN') {
      if (initialResponse !== undefined) return this.#plain(initialResponse);
      this.#state = { name: 'sasl-plain' };
      return { status: '+ ' };
    }
    if (mechanism === 'LOGIN') {
      if (initialResponse === undefined) {
        this.#state = { name: 'sasl-login-user' };
        return { status: `+ ${LOGIN_USERNAME_CHALLENGE}` };
      }
      this.#state = { name: 'sasl-login-password', user: decodeSaslText(initialResponse) };
      return { status: `+ ${LOGIN_PASSWORD_CHALLENGE}` };
    }
    return err(`SASL mechanism ${mechanism} is not implemented by the demo server`);
  }

  #saslStep(command: Pop3Command): Reply {
    const state = this.#state;
    this.#state = { name: 'authorization' };
    if (command.verb !== 'SASL') return err('expected a SASL response');
    // RFC 5034 §4: "*" cancels the exchange and the server must answer -ERR.
    if (command.response === '*') return err('authentication cancelled');
    switch (state.name) {
      case 'sasl-plain':
        return this.#plain(command.response);
      case 'sasl-login-user':
        this.#state = { name: 'sasl-login-password', user: decodeSaslText(command.response) };
        return { status: `+ ${LOGIN_PASSWORD_CHALLENGE}` };
      case 'sasl-login-password':
        return this.#enter(
          checkPassword(this.#config.users, state.user, decodeSaslText(command.response)),
        );
      default:
        return err('no SASL exchange in progress');
    }
  }

  #plain(response: string): Reply {
    const credentials = decodePlain(response);
    return this.#enter(
      credentials && checkPassword(this.#config.users, credentials.name, credentials.password),
    );
  }

  #enter(user: DemoUser | undefined): Reply {
    const { store } = this.#config;
    this.#state = { name: 'authorization' };
    if (!user) {
      // RFC 3206 §4 AUTH: the credentials are wrong, not a passing problem.
      return {
        status: '-ERR [AUTH] invalid user name or password',
        delayMs: AUTH_FAILURE_DELAY_MS,
      };
    }
    if (!store.tryLock(user.name)) {
      return err('[IN-USE] mailbox is in use by another session, try again later');
    }
    let messages: readonly DemoMessage[];
    try {
      messages = store.messages(user.name);
    } catch {
      store.unlock(user.name);
      return err('[SYS/TEMP] mailbox unavailable');
    }
    this.#state = { name: 'transaction', user: user.name, messages, deleted: new Set() };
    const size = messages.reduce((sum, message) => sum + message.bytes.length, 0);
    return ok(`${user.name}'s maildrop has ${messages.length} messages (${size} octets)`);
  }

  #transaction(command: TransactionCommand): Reply {
    const { capabilities } = this.#config;
    if (
      (command.verb === 'UIDL' && !capabilities.uidl) ||
      (command.verb === 'TOP' && !capabilities.top)
    ) {
      return err(`unknown command "${command.verb}"`);
    }
    const state = this.#state;
    if (state.name !== 'transaction') return WRONG_STATE;
    switch (command.verb) {
      case 'STAT': {
        const { count, size } = totals(state);
        return ok(`${count} ${size}`);
      }
      case 'LIST':
      case 'UIDL': {
        const show = (message: DemoMessage): string | number =>
          command.verb === 'LIST' ? message.bytes.length : message.uidl;
        if (command.msg !== undefined) {
          const found = lookUp(state, command.msg);
          return 'status' in found ? found : ok(`${command.msg} ${show(found)}`);
        }
        const lines: string[] = [];
        state.messages.forEach((message, index) => {
          if (!state.deleted.has(message)) lines.push(`${index + 1} ${show(message)}`);
        });
        const { count, size } = totals(state);
        const status =
          command.verb === 'LIST'
            ? `+OK ${count} messages (${size} octets)`
            : '+OK unique-id listing follows';
        return { status, body: listingBody(lines) };
      }
      case 'RETR': {
        const found = lookUp(state, command.msg);
        if ('status' in found) return found;
        return { status: `+OK ${found.bytes.length} octets`, body: stuffedBody(found.bytes) };
      }
      case 'TOP': {
        const found = lookUp(state, command.msg);
        if ('status' in found) return found;
        const top = topOfMessage(found.bytes, command.lines);
        return { status: '+OK top of message follows', body: stuffedBody(top) };
      }
      case 'DELE': {
        const found = lookUp(state, command.msg);
        if ('status' in found) return found;
        state.deleted.add(found);
        return ok(`message ${command.msg} deleted`);
      }
      case 'RSET': {
        state.deleted.clear();
        const { count, size } = totals(state);
        return ok(`maildrop has ${count} messages (${size} octets)`);
      }
      case 'NOOP':
        return { status: '+OK' };
    }
  }
}

function totals(state: Transaction): { count: number; size: number } {
  let count = 0;
  let size = 0;
  for (const message of state.messages) {
    if (state.deleted.has(message)) continue;
    count += 1;
    size += message.bytes.length;
  }
  return { count, size };
}

function lookUp(state: Transaction, msg: number): DemoMessage | Reply {
  const message = state.messages[msg - 1];
  if (!message) return err(`no such message, only ${state.messages.length} in maildrop`);
  if (state.deleted.has(message)) return err(`message ${msg} already deleted`);
  return message;
}
