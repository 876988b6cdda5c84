// The session state machine without sockets: sign-in paths, SASL edge cases,
// locking, and what reaches the store at QUIT.

import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../shared/pop3/command.ts';
import { Pop3Error } from '../../../shared/pop3/errors.ts';
import { MailboxStore, type DemoMessage } from '../../../server/demo/mailbox.ts';
import { isLoopbackAddress } from '../../../server/demo/options.ts';
import { DemoSession, type Reply } from '../../../server/demo/session.ts';

const MESSAGES: DemoMessage[] = ['a', 'b', 'c'].map((uidl) => ({
  uidl,
  bytes: Buffer.from(`Subject: ${uidl}\r\n\r\nbody ${uidl}\r\n`),
}));
const CAPABILITIES = {
  pipelining: true,
  top: true,
  uidl: true,
  capa: true,
  sasl: ['PLAIN', 'LOGIN'],
  apop: true,
};
const base64 = (text: string): string => Buffer.from(text).toString('base64');

function setup(): { store: MailboxStore; session: () => DemoSession } {
  const store = new MailboxStore(() => MESSAGES);
  const session = (): DemoSession =>
    new DemoSession({
      users: [{ name: 'demo', password: 'pw' }],
      store,
      capabilities: CAPABILITIES,
      isStartTls: false,
    });
  return { store, session };
}

/** Feed one line the way the connection does. */
function say(session: DemoSession, line: string): Reply {
  const command = parseCommandLine(line, { isSaslResponse: session.isAwaitingSaslResponse });
  return command instanceof Pop3Error ? session.reject(command) : session.handle(command);
}

describe('DemoSession', () => {
  it('takes the user name of AUTH LOGIN as its initial response', () => {
    const session = setup().session();
    expect(say(session, `AUTH LOGIN ${base64('demo')}`).status).toBe(`+ ${base64('Password:')}`);
    expect(session.user).toBe('demo');
    expect(say(session, base64('pw')).status).toMatch(/^\+OK/);
  });

  it('cancels a SASL exchange on a malformed response', () => {
    const session = setup().session();
    expect(say(session, 'AUTH PLAIN').status).toBe('+ ');
    expect(say(session, 'not base64!').status).toMatch(/^-ERR malformed SASL response/);
    expect(session.isAwaitingSaslResponse).toBe(false);
    expect(say(session, 'NOOP').status).toBe('-ERR command not valid in this state');
  });

  it('slows down a failed sign-in and says [AUTH]', () => {
    const session = setup().session();
    say(session, 'USER demo');
    const reply = say(session, 'PASS nope');
    expect(reply.status).toMatch(/^-ERR \[AUTH\]/);
    expect(reply.delayMs).toBeGreaterThan(0);
  });

  it('releases the lock when a session ends, without deleting', () => {
    const { store, session } = setup();
    const first = session();
    say(first, 'USER demo');
    say(first, 'PASS pw');
    say(first, 'DELE 1');
    const second = session();
    say(second, 'USER demo');
    expect(say(second, 'PASS pw').status).toMatch(/^-ERR \[IN-USE\]/);
    first.end();
    say(second, 'USER demo');
    expect(say(second, 'PASS pw').status).toMatch(/^\+OK/);
    expect(store.messages('demo')).toHaveLength(3);
  });

  it('commits deletions at QUIT only, and asks the connection to close', () => {
    const { store, session } = setup();
    const one = session();
    say(one, 'USER demo');
    say(one, 'PASS pw');
    say(one, 'DELE 2');
    expect(store.messages('demo')).toHaveLength(3);
    expect(say(one, 'QUIT')).toEqual({
      status: '+OK demo POP3 server signing off (2 messages left)',
      then: 'close',
    });
    expect(store.messages('demo').map((message) => message.uidl)).toEqual(['a', 'c']);
  });

  it('keeps message numbers fixed within a session (RFC 1939 §5)', () => {
    const session = setup().session();
    say(session, 'USER demo');
    say(session, 'PASS pw');
    say(session, 'DELE 1');
    expect(say(session, 'UIDL 2').status).toBe('+OK 2 b');
    expect(say(session, 'LIST 1').status).toBe('-ERR message 1 already deleted');
    expect(say(session, 'STAT').status).toMatch(/^\+OK 2 /);
  });
});

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.10.20.30', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.1', false],
    ['localhost', false],
    ['', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackAddress(host)).toBe(expected);
  });
});
