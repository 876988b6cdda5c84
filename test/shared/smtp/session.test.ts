import { describe, expect, it } from 'vitest';
import { SmtpError, SmtpRecipientError, SmtpReplyError } from '../../../shared/smtp/errors.ts';
import { EHLO_PIPELINED, EHLO_PLAIN, fakeSession, submission } from './fake-server.ts';
import { SmtpSession } from '../../../shared/smtp/session.ts';
import { decode, encode, FEEDS } from '../../support/feed.ts';
import { instanceOf } from '../../support/instance.ts';

const LOGIN = { username: 'alice@example.org', password: 'secret one' };
const MESSAGE = encode('Subject: hi\r\n\r\n.leading dot\r\nbye\r\n');
const STUFFED = 'Subject: hi\r\n\r\n..leading dot\r\nbye\r\n.\r\n';

async function rejection(promise: Promise<unknown>): Promise<SmtpError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SmtpError);
    return error as SmtpError;
  }
  throw new Error('expected a rejection');
}

async function ready(ehlo: string, extra: Record<string, string> = {}) {
  const world = fakeSession(submission(ehlo, extra));
  await world.session.ehlo('client.example');
  return world;
}

describe('SmtpSession greeting and EHLO', () => {
  it('reads the greeting and the EHLO keywords', async () => {
    const { session, server } = await ready(EHLO_PIPELINED);
    expect((await session.greeting).lines).toEqual(['mail.example.org ESMTP']);
    expect(session.state).toBe('ready');
    expect(session.capabilities?.size).toBe(1000);
    expect(session.isPipelining).toBe(true);
    expect(server.lines).toEqual(['EHLO client.example']);
  });

  it('a 554 greeting is "busy", and the connection is closed (RFC 5321 §3.1)', async () => {
    const { session, server } = fakeSession(submission(EHLO_PLAIN), {
      greeting: '554 5.3.2 no service\r\n',
    });
    const error = await rejection(session.ehlo('client.example'));
    expect(error.code).toBe('SMTP_BUSY');
    expect(server.isClosed).toBe(true);
    expect(server.lines).toEqual([]);
  });

  it('a reply nobody asked for is a protocol error; an unasked 421 is "busy"', async () => {
    const { session, server } = await ready(EHLO_PLAIN);
    server.send('250 surprise\r\n');
    expect(session.closeReason?.code).toBe('SMTP_UNEXPECTED_REPLY');
    expect(session.state).toBe('closed');
    const other = await ready(EHLO_PLAIN);
    other.server.send('421 4.4.2 timeout\r\n');
    expect(other.session.closeReason?.code).toBe('SMTP_BUSY');
  });

  it('garbage from the server fails what is pending', async () => {
    const { session } = fakeSession(() => 'HTTP/1.1 400 Bad Request\r\n');
    expect((await rejection(session.ehlo('client.example'))).code).toBe('SMTP_BAD_REPLY');
  });

  it('refuses to send before EHLO', async () => {
    const { session } = fakeSession(submission(EHLO_PLAIN));
    const error = await rejection(
      session.send({ from: 'a@b.org', to: ['c@d.org'], message: MESSAGE }),
    );
    expect(error.code).toBe('SMTP_WRONG_STATE');
  });
});

describe('SmtpSession AUTH', () => {
  it('uses PLAIN with an initial response (RFC 4954 §4)', async () => {
    const { session, server } = await ready(EHLO_PLAIN);
    expect(await session.login(LOGIN)).toBe('PLAIN');
    expect(session.state).toBe('authenticated');
    const auth = server.lines[1] ?? '';
    expect(atob(auth.slice('AUTH PLAIN '.length))).toBe('\0alice@example.org\0secret one');
  });

  it('stops at 535 5.7.8: a wrong password is not tried with LOGIN', async () => {
    const world = fakeSession((line) =>
      line.startsWith('EHLO')
        ? EHLO_PLAIN
        : '535 5.7.8 Error: authentication failed: authentication failure\r\n',
    );
    await world.session.ehlo('client.example');
    const error = await rejection(world.session.login(LOGIN));
    expect(error.code).toBe('SMTP_AUTH_FAILED');
    expect(instanceOf(error, SmtpReplyError).reply).toMatchObject({ code: 535, enhanced: '5.7.8' });
    expect(world.server.lines.filter((line) => line.startsWith('AUTH'))).toHaveLength(1);
    expect(error.message).not.toContain('secret');
    expect(world.session.state).toBe('ready');
  });

  it('falls back from a mechanism refused as such (504) to the next one, LOGIN', async () => {
    const world = fakeSession((line) => {
      if (line.startsWith('EHLO')) return EHLO_PLAIN;
      if (line.startsWith('AUTH PLAIN')) return '504 5.5.4 mechanism not available\r\n';
      if (line === 'AUTH LOGIN') return '334 VXNlcm5hbWU6\r\n';
      if (line === btoa('alice@example.org')) return '334 UGFzc3dvcmQ6\r\n';
      if (line === btoa('secret one')) return '235 2.7.0 ok\r\n';
      return '501 5.5.2 bad\r\n';
    });
    await world.session.ehlo('client.example');
    expect(await world.session.login(LOGIN)).toBe('LOGIN');
    expect(world.server.lines.map((line) => line.split(' ')[0])).toEqual([
      'EHLO', 'AUTH', 'AUTH', btoa('alice@example.org'), btoa('secret one'),
    ]); // prettier-ignore
  });

  it('454 4.7.0 is "busy", not a wrong password, and nothing else is tried', async () => {
    const world = fakeSession((line) =>
      line.startsWith('EHLO') ? EHLO_PLAIN : '454 4.7.0 Temporary authentication failure\r\n',
    );
    await world.session.ehlo('client.example');
    const error = await rejection(world.session.login(LOGIN));
    expect(error.code).toBe('SMTP_BUSY');
    expect(instanceOf(error, SmtpReplyError).isTransient).toBe(true);
    expect(world.server.lines).toHaveLength(2);
  });

  it('runs SCRAM-SHA-256 with the RFC 7677 exchange, server-final as a 334', async () => {
    const serverFirst =
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
    const clientFinal =
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,' +
      'p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
    const world = fakeSession((line) => {
      if (line.startsWith('EHLO')) return '250-x\r\n250 AUTH PLAIN SCRAM-SHA-256\r\n';
      if (line === `AUTH SCRAM-SHA-256 ${btoa('n,,n=user,r=rOprNGfwEbeRWgbNEkqO')}`) {
        return `334 ${btoa(serverFirst)}\r\n`;
      }
      if (line === btoa(clientFinal)) {
        return `334 ${btoa('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')}\r\n`;
      }
      if (line === '') return '235 2.7.0 ok\r\n';
      return '535 5.7.8 no\r\n';
    });
    await world.session.ehlo('client.example');
    const mechanism = await world.session.login(
      { username: 'user', password: 'pencil' },
      { sasl: { clientNonce: 'rOprNGfwEbeRWgbNEkqO' } },
    );
    expect(mechanism).toBe('SCRAM-SHA-256');
  });

  it('refuses a SCRAM 235 that never proved the server knows the password', async () => {
    const world = fakeSession((line) => {
      if (line.startsWith('EHLO')) return '250-x\r\n250 AUTH SCRAM-SHA-1\r\n';
      return '235 2.7.0 ok\r\n';
    });
    await world.session.ehlo('client.example');
    expect((await rejection(world.session.login(LOGIN))).code).toBe('SMTP_SASL_FAILED');
  });

  it('cancels with "*" on a challenge it cannot read, as SMTP_SASL_FAILED', async () => {
    const world = fakeSession((line) => {
      if (line.startsWith('EHLO')) return '250-x\r\n250 AUTH CRAM-MD5\r\n';
      if (line === 'AUTH CRAM-MD5') return '334 not*base64\r\n';
      return '501 5.7.0 cancelled\r\n';
    });
    await world.session.ehlo('client.example');
    expect((await rejection(world.session.login(LOGIN))).code).toBe('SMTP_SASL_FAILED');
    expect(world.server.lines.at(-1)).toBe('*');
  });

  it('says when no mechanism is shared', async () => {
    const world = fakeSession((line) =>
      line.startsWith('EHLO') ? '250-x\r\n250 AUTH GSSAPI\r\n' : undefined,
    );
    await world.session.ehlo('client.example');
    expect((await rejection(world.session.login(LOGIN))).code).toBe('SMTP_NO_AUTH_MECHANISM');
  });
});

describe('SmtpSession send', () => {
  const envelope = {
    from: 'alice@example.org',
    to: ['bob@example.net', 'carol@example.net'],
    message: MESSAGE,
  };

  it('pipelines MAIL, both RCPTs and DATA in one write (RFC 2920), then the stuffed body', async () => {
    const { session, server } = await ready(EHLO_PIPELINED);
    const progress: Array<[number, number]> = [];
    const result = await session.send(envelope, {
      chunkSize: 16,
      onProgress: (sent, total) => progress.push([sent, total]),
    });
    expect(server.writes).toContain(
      `MAIL FROM:<alice@example.org> SIZE=${MESSAGE.length}\r\n` +
        'RCPT TO:<bob@example.net>\r\nRCPT TO:<carol@example.net>\r\nDATA\r\n',
    );
    expect(server.messages).toEqual([STUFFED]);
    expect(result).toEqual({
      accepted: ['bob@example.net', 'carol@example.net'],
      refused: [],
      reply: { code: 250, enhanced: '2.0.0', text: 'Ok: queued as 4ABC' },
      size: MESSAGE.length,
    });
    expect(progress.at(-1)).toEqual([STUFFED.length, STUFFED.length]);
    expect(progress.length).toBe(Math.ceil(STUFFED.length / 16));
  });

  it('without PIPELINING, one command per write', async () => {
    const { session, server } = await ready(EHLO_PLAIN);
    await session.send(envelope);
    expect(server.writes.slice(1, 5)).toEqual([
      `MAIL FROM:<alice@example.org> SIZE=${MESSAGE.length}\r\n`,
      'RCPT TO:<bob@example.net>\r\n',
      'RCPT TO:<carol@example.net>\r\n',
      'DATA\r\n',
    ]);
    expect(server.messages).toEqual([STUFFED]);
  });

  it('names the refused recipient and sends nothing (not pipelined: RSET)', async () => {
    const { session, server } = await ready(EHLO_PLAIN, {
      'RCPT TO:<carol@example.net>':
        '550 5.1.1 <carol@example.net>: Recipient address rejected\r\n',
    });
    const error = await rejection(session.send(envelope));
    expect(error).toBeInstanceOf(SmtpRecipientError);
    expect(error.code).toBe('SMTP_RECIPIENT_REFUSED');
    expect(instanceOf(error, SmtpRecipientError).refused).toEqual([
      {
        address: 'carol@example.net',
        reply: {
          code: 550,
          enhanced: '5.1.1',
          text: '<carol@example.net>: Recipient address rejected',
        },
      },
    ]);
    expect(server.lines).not.toContain('DATA');
    expect(server.lines.at(-1)).toBe('RSET');
    expect(server.messages).toEqual([]);
    expect(session.state).toBe('ready');
  });

  it('pipelined, a refused recipient after 354 closes the connection before any data', async () => {
    const { session, server } = await ready(EHLO_PIPELINED, {
      'RCPT TO:<bob@example.net>': '450 4.2.0 greylisted\r\n',
    });
    const error = await rejection(session.send(envelope));
    expect(instanceOf(error, SmtpRecipientError).refused.map((entry) => entry.address)).toEqual([
      'bob@example.net',
    ]);
    expect(server.isClosed).toBe(true);
    expect(server.messages).toEqual([]);
    expect(server.writes.at(-1)).toContain('DATA\r\n');
  });

  it('with onRefusedRecipient "continue", sends to those accepted', async () => {
    const { session, server } = await ready(EHLO_PIPELINED, {
      'RCPT TO:<bob@example.net>': '550 5.1.1 no such user\r\n',
    });
    const result = await session.send(envelope, { onRefusedRecipient: 'continue' });
    expect(result.accepted).toEqual(['carol@example.net']);
    expect(result.refused.map((entry) => entry.address)).toEqual(['bob@example.net']);
    expect(server.messages).toEqual([STUFFED]);
  });

  it('checks SIZE before writing anything (RFC 1870)', async () => {
    const { session, server } = await ready(EHLO_PIPELINED);
    const big = { ...envelope, message: new Uint8Array(1001).fill(0x61) };
    expect((await rejection(session.send(big))).code).toBe('SMTP_TOO_LARGE');
    expect(server.lines).toEqual(['EHLO client.example']);
  });

  it('a 552 after the data is "too large"; a 451 is "busy"', async () => {
    const { session, server } = await ready(EHLO_PIPELINED);
    server.onMessage = () => '552 5.3.4 Message size exceeds fixed limit\r\n';
    expect((await rejection(session.send(envelope))).code).toBe('SMTP_TOO_LARGE');
    server.onMessage = () => '451 4.3.0 Error: queue file write error\r\n';
    expect((await rejection(session.send(envelope))).code).toBe('SMTP_BUSY');
  });

  it('a refused sender is reported and the rest is reset', async () => {
    const { session, server } = await ready(EHLO_PLAIN, {
      [`MAIL FROM:<alice@example.org> SIZE=${MESSAGE.length}`]:
        '553 5.7.1 Sender address rejected: not owned by user\r\n',
    });
    const error = await rejection(session.send(envelope));
    expect(error.code).toBe('SMTP_REPLY');
    expect(instanceOf(error, SmtpReplyError).command).toBe('MAIL FROM:<…>');
    expect(server.lines).not.toContain('RCPT TO:<bob@example.net>');
  });

  it('declares BODY=8BITMIME and SMTPUTF8 when the message and addresses need them', async () => {
    const { session, server } = await ready(EHLO_PIPELINED);
    const message = encode('Subject: 你好\r\n\r\n正文\r\n');
    await session.send({ from: 'alice@example.org', to: ['用户@例子.广告'], message });
    expect(server.lines).toContain(
      `MAIL FROM:<alice@example.org> SIZE=${message.length} BODY=8BITMIME SMTPUTF8`,
    );
    expect(server.lines).toContain('RCPT TO:<用户@例子.广告>');
  });

  it('refuses 8-bit data and UTF-8 addresses when the server lacks the extension', async () => {
    const { session, server } = await ready(EHLO_PLAIN);
    const eight = { ...envelope, message: encode('é\r\n') };
    expect((await rejection(session.send(eight))).code).toBe('SMTP_UNSUPPORTED');
    const utf8 = { ...envelope, to: ['josé@example.net'] };
    expect((await rejection(session.send(utf8))).code).toBe('SMTP_UNSUPPORTED');
    expect(server.lines).toEqual(['EHLO client.example']);
  });

  it('refuses a bare LF in the message and a bad address before writing', async () => {
    const { session, server } = await ready(EHLO_PIPELINED);
    const bare = { ...envelope, message: encode('a\n.\nRCPT TO:<x@evil.example>\r\n') };
    expect((await rejection(session.send(bare))).code).toBe('SMTP_BAD_BODY');
    const bad = { ...envelope, to: ['bob@example.net>\r\nRCPT TO:<x@evil.example'] };
    expect((await rejection(session.send(bad))).code).toBe('SMTP_BAD_COMMAND');
    expect((await rejection(session.send({ ...envelope, to: [] }))).code).toBe('SMTP_BAD_COMMAND');
    expect(server.lines).toEqual(['EHLO client.example']);
  });

  it('awaits a transport that applies backpressure', async () => {
    const { session, server } = await ready(EHLO_PIPELINED);
    const original = server.write.bind(server);
    let pendingWrites = 0;
    let maxPending = 0;
    server.write = (bytes: Uint8Array) => {
      pendingWrites++;
      maxPending = Math.max(maxPending, pendingWrites);
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          pendingWrites--;
          void original(bytes);
          resolve();
        }, 0),
      );
    };
    await session.send(envelope, { chunkSize: 8 });
    expect(server.messages).toEqual([STUFFED]);
    expect(maxPending).toBe(1);
  });

  it('QUIT ends the session cleanly; RSET and NOOP check their reply', async () => {
    const { session, server } = await ready(EHLO_PLAIN, { NOOP: '500 no\r\n' });
    await session.rset();
    expect((await rejection(session.noop())).code).toBe('SMTP_REPLY');
    await session.quit();
    expect(server.isClosed).toBe(true);
    expect(session.state).toBe('closed');
    session.transportClosed();
    expect(session.closeReason?.code).toBe('SMTP_CLOSED');
  });

  it('a connection lost mid-command fails what is pending with SMTP_CLOSED', async () => {
    const { session } = await ready(EHLO_PLAIN, { NOOP: undefined as unknown as string });
    const noop = session.noop();
    session.transportClosed(new Error('reset'));
    expect((await rejection(noop)).code).toBe('SMTP_CLOSED');
  });
});

/** A transport the test drives: it waits for each write, then feeds the reply in chunks. */
class ManualTransport {
  readonly writes: string[] = [];
  private waiters: Array<() => void> = [];
  write(bytes: Uint8Array): void {
    this.writes.push(decode(bytes));
    for (const wake of this.waiters.splice(0)) wake();
  }
  close(): void {}
  async written(count: number): Promise<void> {
    while (this.writes.length < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

describe('SmtpSession transcript (replies whole, at every split, one byte at a time)', () => {
  const replies = [
    '220 mail.example.org ESMTP\r\n',
    '250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 AUTH PLAIN\r\n',
    '235 2.7.0 Authentication successful\r\n',
    '250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <carol@example.net>: unknown\r\n354 go ahead\r\n',
    '250 2.0.0 Ok: queued as 4ABC\r\n',
  ];
  const wire = [
    'EHLO client.example\r\n',
    `AUTH PLAIN ${btoa('\0alice@example.org\0secret one')}\r\n`,
    `MAIL FROM:<alice@example.org> SIZE=${MESSAGE.length}\r\nRCPT TO:<bob@example.net>\r\n` +
      'RCPT TO:<carol@example.net>\r\nDATA\r\n',
    STUFFED,
  ];

  for (const [feedName, runsOf] of FEEDS) {
    it(`matches every reply to its command (${feedName})`, async () => {
      const runs = replies.map((text) => runsOf(encode(text)));
      const count = Math.max(...runs.map((list) => list.length));
      for (let run = 0; run < count; run++) {
        const transport = new ManualTransport();
        const session = new SmtpSession(transport);
        const deliver = (index: number): void => {
          const list = runs[index]!;
          for (const chunk of list[Math.min(run, list.length - 1)]!) session.receive(chunk);
        };
        deliver(0);
        const ehlo = session.ehlo('client.example');
        await transport.written(1);
        deliver(1);
        expect((await ehlo).pipelining).toBe(true);
        const login = session.login(LOGIN);
        await transport.written(2);
        deliver(2);
        await login;
        const sent = session.send(
          {
            from: 'alice@example.org',
            to: ['bob@example.net', 'carol@example.net'],
            message: MESSAGE,
          },
          { onRefusedRecipient: 'continue' },
        );
        await transport.written(3);
        deliver(3);
        await transport.written(4);
        deliver(4);
        const result = await sent;
        expect(result.accepted).toEqual(['bob@example.net']);
        expect(result.refused).toEqual([
          {
            address: 'carol@example.net',
            reply: { code: 550, enhanced: '5.1.1', text: '<carol@example.net>: unknown' },
          },
        ]);
        expect(transport.writes).toEqual(wire);
      }
    });
  }
});

describe('SmtpSession data edge cases', () => {
  async function open354(transport: ManualTransport & { write(bytes: Uint8Array): void }) {
    const session = new SmtpSession(transport);
    session.receive(encode('220 ok\r\n'));
    const ehlo = session.ehlo('client.example');
    await transport.written(1);
    session.receive(encode('250-x\r\n250 PIPELINING\r\n'));
    await ehlo;
    return session;
  }

  it('a reply before the end of data aborts the message and closes the connection', async () => {
    let closed = false;
    const transport = new ManualTransport();
    transport.close = () => (closed = true);
    const session = await open354(transport);
    const sent = session.send(
      { from: 'a@example.org', to: ['b@example.net'], message: encode(`${'x'.repeat(100)}\r\n`) },
      { chunkSize: 10 },
    );
    await transport.written(2);
    session.receive(encode('250 ok\r\n250 ok\r\n354 go\r\n'));
    await transport.written(3);
    session.receive(encode('554 5.3.4 too much\r\n'));
    const error = await rejection(sent);
    expect(error.code).toBe('SMTP_TOO_LARGE');
    expect(closed).toBe(true);
    expect(transport.writes.slice(2).join('')).not.toContain('\r\n.\r\n');
  });

  it('a transport that throws fails the pending replies instead of leaving them hanging', async () => {
    const transport = new ManualTransport();
    const session = await open354(transport);
    transport.write = () => {
      throw new Error('socket gone');
    };
    expect((await rejection(session.noop())).code).toBe('SMTP_CLOSED');
    expect(session.state).toBe('closed');
  });
});
