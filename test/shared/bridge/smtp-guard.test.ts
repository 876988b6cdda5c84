// The SMTP guard from byte-exact transcripts: browser frames and server
// replies each fed whole, at every split point and one byte at a time.
// Refusals carry their code, and nothing smuggled reaches the server.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_SMTP_GUARD_LIMITS,
  SmtpGuard,
  type SmtpGuardEvent,
  type SmtpGuardLimits,
} from '../../../shared/bridge/smtp-guard.ts';
import { maxLineFor } from '../../../shared/bridge/smtp-lines.ts';
import type { SmtpTransport } from '../../../shared/smtp/reply-queue.ts';
import { SmtpSession } from '../../../shared/smtp/session.ts';
import { EHLO_PIPELINED, EHLO_PLAIN, FakeSmtpServer, submission } from '../smtp/fake-server.ts';
import { encodeBase64 } from '../../../shared/pop3/sasl/base64.ts';
import { decode, encode, FEEDS } from '../../support/feed.ts';

type Step = { client: string } | { server: string };

interface Outcome {
  forwarded: string;
  events: SmtpGuardEvent[];
  error?: string;
}

function play(
  steps: Step[],
  runsOf: ReadonlyMap<Step, Uint8Array[][]>,
  run: number,
  limits?: Partial<SmtpGuardLimits>,
): Outcome {
  const guard = new SmtpGuard(limits);
  const outcome: Outcome = { forwarded: '', events: [] };
  for (const step of steps) {
    const runs = runsOf.get(step) ?? [];
    for (const chunk of runs[Math.min(run, runs.length - 1)] ?? []) {
      if ('client' in step) {
        const result = guard.push(chunk);
        if (result.error) return { ...outcome, error: result.error.code };
        for (const bytes of result.bytes) outcome.forwarded += decode(bytes);
      } else {
        const result = guard.receive(chunk);
        outcome.events.push(...result.events);
        if (result.error) return { ...outcome, error: result.error.code };
      }
    }
  }
  return outcome;
}

/** Every run of every feed; the longest step decides how many runs there are. */
function everyRun(steps: Step[], limits?: Partial<SmtpGuardLimits>): Array<[string, Outcome]> {
  const outcomes: Array<[string, Outcome]> = [];
  for (const [name, feed] of FEEDS) {
    const runsOf = new Map(
      steps.map((step) => [step, feed(encode('client' in step ? step.client : step.server))]),
    );
    const runs = Math.max(...[...runsOf.values()].map((list) => list.length));
    for (let run = 0; run < runs; run++) outcomes.push([name, play(steps, runsOf, run, limits)]);
  }
  return outcomes;
}

const GREETING: Step = { server: '220 mail.example.org ESMTP Postfix\r\n' };
const EHLO: Step[] = [
  { client: 'EHLO client.example\r\n' },
  {
    server:
      '250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n',
  },
];
const PLAIN = encodeBase64(encode('\0alice@example.org\0secret one'));
const SIGNED_IN: Step[] = [
  GREETING,
  ...EHLO,
  { client: `AUTH PLAIN ${PLAIN}\r\n` },
  { server: '235 2.7.0 Authentication successful\r\n' },
];
const ENVELOPE =
  'MAIL FROM:<alice@example.org> SIZE=20\r\nRCPT TO:<bob@example.net>\r\nRCPT TO:<carol@example.net>\r\nDATA\r\n';
const ENVELOPE_OK: Step = {
  server: '250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n',
};
const IN_DATA: Step[] = [...SIGNED_IN, { client: ENVELOPE }, ENVELOPE_OK];

const clientText = (steps: Step[]): string =>
  steps.map((step) => ('client' in step ? step.client : '')).join('');

describe('SmtpGuard transcripts', () => {
  it('lets a whole submission through byte for byte and reports sign-in and the message', () => {
    const steps: Step[] = [
      ...IN_DATA,
      { client: 'Subject: x\r\n\r\n..dot\r\n.\r\nQUIT\r\n' },
      { server: '250 2.0.0 Ok: queued as 4ABC\r\n221 2.0.0 Bye\r\n' },
    ];
    for (const [feed, outcome] of everyRun(steps)) {
      expect(outcome, feed).toEqual({
        forwarded: clientText(steps),
        events: [
          { kind: 'authenticated', verb: 'AUTH', mechanism: 'PLAIN', user: 'alice@example.org' },
          { kind: 'message', isAccepted: true, recipients: 2, size: 20, replyCode: 250 },
        ],
      });
    }
  });

  it('follows AUTH LOGIN through its 334 continuations, the user from the first response', () => {
    const steps: Step[] = [
      GREETING, ...EHLO,
      { client: 'AUTH LOGIN\r\n' }, { server: '334 VXNlcm5hbWU6\r\n' },
      { client: `${encodeBase64(encode('bob'))}\r\n` }, { server: '334 UGFzc3dvcmQ6\r\n' },
      { client: `${encodeBase64(encode('wrong'))}\r\n` }, { server: '535 5.7.8 Error: authentication failed\r\n' },
      { client: 'MAIL FROM:<bob@example.org>\r\n' },
    ]; // prettier-ignore
    for (const [feed, outcome] of everyRun(steps)) {
      expect(outcome.events, feed).toEqual([
        { kind: 'auth-failed', verb: 'AUTH', mechanism: 'LOGIN', user: 'bob', replyCode: 535 },
      ]);
      expect(outcome.error, feed).toBe('SMTP_MAIL_BEFORE_AUTH');
      expect(outcome.forwarded).not.toContain('MAIL');
    }
  });

  it('does not count a cancelled exchange, a busy server or an unknown mechanism as a failed login', () => {
    const steps: Step[] = [
      GREETING, ...EHLO,
      { client: 'AUTH LOGIN\r\n' }, { server: '334 VXNlcm5hbWU6\r\n' },
      { client: '*\r\n' }, { server: '501 5.7.0 Authentication aborted\r\n' },
      { client: `AUTH PLAIN ${PLAIN}\r\n` }, { server: '454 4.7.0 Temporary authentication failure\r\n' },
      { client: 'AUTH GSSAPI\r\n' }, { server: '504 5.5.4 Unrecognized mechanism\r\n' },
      { client: 'NOOP\r\n' }, { server: '250 2.0.0 Ok\r\n' },
    ]; // prettier-ignore
    for (const [feed, outcome] of everyRun(steps)) {
      expect(outcome, feed).toEqual({ forwarded: clientText(steps), events: [] });
    }
  });

  it('treats lines after a refused DATA as commands again', () => {
    const steps: Step[] = [
      ...SIGNED_IN,
      { client: 'MAIL FROM:<alice@example.org>\r\nRCPT TO:<nobody@example.net>\r\nDATA\r\n' },
      {
        server:
          '250 2.1.0 Ok\r\n550 5.1.1 no such user\r\n554 5.5.1 Error: no valid recipients\r\n',
      },
      { client: 'VRFY victim@example.net\r\n' },
    ];
    for (const [feed, outcome] of everyRun(steps)) {
      expect(outcome.error, feed).toBe('BRIDGE_VERB_FORBIDDEN');
      expect(outcome.forwarded).not.toContain('VRFY');
    }
  });
});

interface Refusal {
  name: string;
  steps: Step[];
  code: string;
  limits?: Partial<SmtpGuardLimits>;
}

const REFUSALS: Refusal[] = [
  {
    name: 'MAIL before AUTH',
    steps: [GREETING, ...EHLO, { client: 'MAIL FROM:<a@example.org>\r\n' }],
    code: 'SMTP_MAIL_BEFORE_AUTH',
  },
  {
    name: 'RCPT before AUTH',
    steps: [GREETING, { client: 'RCPT TO:<a@example.org>\r\n' }],
    code: 'SMTP_MAIL_BEFORE_AUTH',
  },
  {
    name: 'DATA before AUTH',
    steps: [GREETING, { client: 'DATA\r\n' }],
    code: 'SMTP_MAIL_BEFORE_AUTH',
  },
  {
    name: 'MAIL while AUTH awaits its reply',
    steps: [GREETING, ...EHLO, { client: `AUTH PLAIN ${PLAIN}\r\nMAIL FROM:<a@example.org>\r\n` }],
    code: 'SMTP_OUT_OF_TURN',
  },
  {
    name: 'message bytes before the 354',
    steps: [...SIGNED_IN, { client: `${ENVELOPE}RCPT TO:<victim@example.net>\r\n` }],
    code: 'SMTP_OUT_OF_TURN',
  },
  {
    name: 'bytes after QUIT',
    steps: [GREETING, { client: 'QUIT\r\nRCPT TO:<victim@example.net>\r\n' }],
    code: 'SMTP_OUT_OF_TURN',
  },
  {
    name: 'a second AUTH',
    steps: [...SIGNED_IN, { client: `AUTH PLAIN ${PLAIN}\r\n` }],
    code: 'BRIDGE_LINE_REJECTED',
  },
  {
    name: 'RCPT before MAIL',
    steps: [...SIGNED_IN, { client: 'RCPT TO:<victim@example.net>\r\n' }],
    code: 'BRIDGE_LINE_REJECTED',
  },
  {
    name: 'DATA without RCPT',
    steps: [...SIGNED_IN, { client: 'MAIL FROM:<a@example.org>\r\nDATA\r\n' }],
    code: 'BRIDGE_LINE_REJECTED',
  },
  ...[
    'VRFY victim',
    'EXPN staff',
    'ETRN example.org',
    'TURN',
    'XCLIENT ADDR=192.0.2.1',
    'BDAT 10 LAST',
    'STARTTLS',
    'HELO client.example',
    'XVICTIM',
  ].map((line): Refusal => ({
    name: line,
    steps: [...SIGNED_IN, { client: `${line}\r\n` }],
    code: 'BRIDGE_VERB_FORBIDDEN',
  })),
  {
    name: 'four pipelined recipients past a cap of three',
    steps: [
      ...SIGNED_IN,
      {
        client: `MAIL FROM:<a@example.org>\r\n${['b', 'c', 'd', 'victim'].map((n) => `RCPT TO:<${n}@example.net>\r\n`).join('')}`,
      },
    ],
    limits: { maxRecipients: 3 },
    code: 'SMTP_TOO_MANY_RECIPIENTS',
  },
  {
    name: 'a declared SIZE over the server SIZE',
    steps: [...SIGNED_IN, { client: 'MAIL FROM:<a@example.org> SIZE=1001\r\n' }],
    code: 'SMTP_TOO_LARGE',
  },
  {
    name: 'a declared SIZE over the setting',
    steps: [...SIGNED_IN, { client: 'MAIL FROM:<a@example.org> SIZE=600\r\n' }],
    limits: { maxMessageBytes: 500 },
    code: 'SMTP_TOO_LARGE',
  },
  {
    name: 'a body over the server SIZE',
    steps: [...IN_DATA, { client: `${'x'.repeat(998)}\r\nvictim\r\n.\r\n` }],
    code: 'SMTP_TOO_LARGE',
  },
  {
    name: 'a MAIL parameter the server did not offer',
    steps: [
      GREETING,
      { client: 'EHLO c.example\r\n' },
      { server: '250 mail.example.org\r\n' },
      { client: `AUTH PLAIN ${PLAIN}\r\n` },
      { server: '235 ok\r\n' },
      { client: 'MAIL FROM:<a@example.org> SMTPUTF8\r\n' },
    ],
    code: 'BRIDGE_LINE_REJECTED',
  },
  {
    name: 'a UTF-8 recipient outside an SMTPUTF8 transaction',
    steps: [
      ...SIGNED_IN,
      { client: 'MAIL FROM:<a@example.org>\r\nRCPT TO:<josé@example.net>\r\n' },
    ],
    code: 'BRIDGE_LINE_REJECTED',
  },
  {
    name: 'a DSN parameter on RCPT',
    steps: [
      ...SIGNED_IN,
      { client: 'MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net> NOTIFY=NEVER\r\n' },
    ],
    code: 'BRIDGE_LINE_REJECTED',
  },
  {
    name: 'a bare LF ending a command',
    steps: [GREETING, { client: 'NOOP\nVRFY victim\r\n' }],
    code: 'BRIDGE_LINE_REJECTED',
  },
  {
    name: 'a bare CR inside a command',
    steps: [GREETING, { client: 'NOOP\rVRFY victim\r\n' }],
    code: 'BRIDGE_LINE_REJECTED',
  },
  {
    name: 'a NUL inside a command',
    steps: [GREETING, { client: 'NOOP\0victim\r\n' }],
    code: 'BRIDGE_LINE_REJECTED',
  },
  {
    name: 'a command line that is not UTF-8',
    steps: [GREETING, { client: 'EHLO \udcff\r\n' }],
    code: 'BRIDGE_LINE_REJECTED',
  },
  {
    name: 'a command line over 512 octets',
    steps: [GREETING, { client: `EHLO ${'a'.repeat(600)}victim\r\n` }],
    code: 'BRIDGE_LINE_TOO_LONG',
  },
  {
    name: 'a line without CRLF over the limit',
    steps: [GREETING, { client: `NOOP ${'a'.repeat(600)}` }],
    code: 'BRIDGE_LINE_TOO_LONG',
  },
  {
    name: 'an AUTH line over 12288 octets',
    steps: [GREETING, ...EHLO, { client: `AUTH PLAIN ${'A'.repeat(12288)}\r\n` }],
    code: 'BRIDGE_LINE_TOO_LONG',
  },
  {
    name: 'a SASL response that is not base64',
    steps: [
      GREETING,
      ...EHLO,
      { client: 'AUTH LOGIN\r\n' },
      { server: '334 VXNlcm5hbWU6\r\n' },
      { client: 'MAIL FROM:<victim@example.net>\r\n' },
    ],
    code: 'BRIDGE_LINE_REJECTED',
  },
  {
    name: 'too many commands awaiting replies',
    steps: [GREETING, { client: 'NOOP\r\n'.repeat(5) }],
    limits: { maxPending: 4 },
    code: 'BRIDGE_LINE_REJECTED',
  },
  {
    name: 'a server reply nobody asked for',
    steps: [GREETING, { server: '250 victim\r\n' }],
    code: 'BRIDGE_SERVER_PROTOCOL',
  },
  {
    name: 'server bytes that are not SMTP',
    steps: [{ server: '+OK POP3 ready\r\n' }],
    code: 'BRIDGE_SERVER_PROTOCOL',
  },
  // SMTP smuggling (CVE-2023-51764 and kin): every end-of-data a server might
  // accept besides CRLF.CRLF, with a second message riding behind it.
  ...(
    [
      ['\\n.\\n', 'x\n.\n', 'SMTP_BARE_LF'],
      ['\\r.\\r', 'x\r.\r', 'SMTP_BARE_CR'],
      ['\\r\\n.\\n', 'x\r\n.\n', 'SMTP_SMUGGLING'],
      ['\\n.\\r\\n', 'x\n.\r\n', 'SMTP_BARE_LF'],
      ['\\r\\n.\\r', 'x\r\n.\r', 'SMTP_SMUGGLING'],
      ['a bare LF line', 'x\r\ny\nz\r\n', 'SMTP_BARE_LF'],
      ['a bare CR line', 'x\r\ny\rz\r\n', 'SMTP_BARE_CR'],
      ['an unstuffed leading dot', 'x\r\n.y\r\n', 'SMTP_BAD_DOT_STUFFING'],
    ] as const
  ).map(([name, body, code]): Refusal => ({
    name: `smuggling ${name}`,
    steps: [
      ...IN_DATA,
      {
        client: `${body}MAIL FROM:<a@example.org>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\n\r\n.\r\n`,
      },
    ],
    code,
  })),
  {
    name: 'a message line over 1000 octets',
    steps: [...IN_DATA, { client: `${'x'.repeat(999)}\r\nvictim\r\n.\r\n` }],
    limits: { maxMessageBytes: 5000 },
    code: 'SMTP_DATA_LINE_TOO_LONG',
  },
];

describe('SmtpGuard refusals', () => {
  for (const refusal of REFUSALS) {
    it(`refuses ${refusal.name} with ${refusal.code}, and nothing behind it passes`, () => {
      for (const [feed, outcome] of everyRun(refusal.steps, refusal.limits)) {
        expect(outcome.error, feed).toBe(refusal.code);
        expect(outcome.forwarded).not.toContain('victim');
      }
    });
  }

  it('refuses 101 recipients with the default cap, passing the first 100', () => {
    const rcpts = Array.from({ length: 101 }, (_, i) => `RCPT TO:<r${i}@example.net>\r\n`);
    const guard = new SmtpGuard();
    for (const step of SIGNED_IN) {
      if ('client' in step) guard.push(encode(step.client));
      else guard.receive(encode(step.server));
    }
    expect(guard.isAuthenticated).toBe(true);
    const first = guard.push(
      encode(`MAIL FROM:<a@example.org>\r\n${rcpts.slice(0, 100).join('')}`),
    );
    if (first.error) throw first.error;
    expect(first.bytes).toHaveLength(101);
    expect(guard.push(encode(rcpts[100]!)).error?.code).toBe('SMTP_TOO_MANY_RECIPIENTS');
    expect(guard.push(encode('RSET\r\n')).error?.code).toBe('SMTP_TOO_MANY_RECIPIENTS');
    expect(DEFAULT_SMTP_GUARD_LIMITS.maxRecipients).toBe(100);
  });

  it('counts recipients per message: RSET and the end of data start again', () => {
    const steps: Step[] = [
      ...IN_DATA,
      {
        client:
          '.\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\nRSET\r\n',
      },
      {
        client:
          'MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\n',
      },
    ];
    const [, outcome] = everyRun(steps, { maxRecipients: 2 })[0]!;
    expect(outcome.error).toBeUndefined();
    expect(outcome.forwarded).toBe(clientText(steps));
  });

  it('keeps an AUTH line open to 12288 octets, other lines to 512', () => {
    expect(maxLineFor(encode('auth '), false)).toBe(12288);
    expect(maxLineFor(encode('AUT'), false)).toBe(12288);
    expect(maxLineFor(encode('NOOP x'), false)).toBe(512);
    expect(maxLineFor(encode('NOOP x'), true)).toBe(12288);
    const guard = new SmtpGuard();
    guard.receive(encode('220 ok\r\n'));
    expect(guard.push(encode(`AUTH PLAIN ${'A'.repeat(12000)}\r\n`)).error).toBeUndefined();
  });

  it('stays latched: after a refusal nothing more passes', () => {
    const guard = new SmtpGuard();
    expect(guard.push(encode('VRFY x\r\n')).error?.code).toBe('BRIDGE_VERB_FORBIDDEN');
    expect(guard.push(encode('NOOP\r\n')).error?.code).toBe('BRIDGE_VERB_FORBIDDEN');
    expect(guard.receive(encode('220 ok\r\n')).error?.code).toBe('BRIDGE_VERB_FORBIDDEN');
    expect(guard.error?.code).toBe('BRIDGE_VERB_FORBIDDEN');
  });
});

/** The browser's session, through the guard, to a fake server: what the codec writes must pass. */
function guarded(ehlo: string, extra: Record<string, string> = {}) {
  const guard = new SmtpGuard();
  const server = new FakeSmtpServer(submission(ehlo, extra));
  const written: string[] = [];
  const events: SmtpGuardEvent[] = [];
  const relay: SmtpTransport = {
    write(bytes) {
      written.push(decode(bytes));
      const result = guard.push(bytes);
      if (result.error) throw result.error;
      for (const part of result.bytes) void server.write(part.slice());
    },
    close() {
      server.close();
    },
  };
  const session = new SmtpSession(relay);
  server.session = {
    receive(bytes) {
      const result = guard.receive(bytes);
      events.push(...result.events);
      if (result.error) throw result.error;
      for (const part of result.bytes) session.receive(part);
    },
  };
  server.send('220 mail.example.org ESMTP\r\n');
  return { guard, server, session, written, events };
}

describe('the browser session through the guard', () => {
  const message = encode(
    Array.from({ length: 3000 }, (_, i) =>
      i % 7 === 0 ? '.' : i % 11 === 0 ? '..x' : `line ${i} é`,
    ).join('\r\n'),
  );

  for (const [name, ehlo] of [
    ['pipelined', EHLO_PIPELINED.replace('SIZE 1000', 'SIZE 100000')],
    [
      'one command at a time',
      EHLO_PLAIN.replace('SIZE 1000', 'SIZE 100000').replace(
        '250 AUTH',
        '250-8BITMIME\r\n250 AUTH',
      ),
    ],
  ] as const) {
    it(`passes a ${name} submission unchanged, split across odd frames`, async () => {
      const world = guarded(ehlo);
      await world.session.ehlo('client.example');
      await world.session.login({ username: 'alice@example.org', password: 'secret one' });
      const result = await world.session.send(
        { from: 'alice@example.org', to: ['bob@example.net', 'carol@example.net'], message },
        { chunkSize: 997 },
      );
      await world.session.quit();
      expect(result.accepted).toHaveLength(2);
      expect(world.server.writes.join('')).toBe(world.written.join(''));
      expect(world.server.messages).toHaveLength(1);
      expect(world.guard.error).toBeUndefined();
      expect(world.events).toEqual([
        { kind: 'authenticated', verb: 'AUTH', mechanism: 'PLAIN', user: 'alice@example.org' },
        {
          kind: 'message',
          isAccepted: true,
          recipients: 2,
          size: message.length + 2,
          replyCode: 250,
        },
      ]);
    });
  }

  it('counts the wrong password the session reports', async () => {
    const plain = encodeBase64(encode('\0alice@example.org\0nope'));
    const world = guarded(EHLO_PLAIN, {
      [`AUTH PLAIN ${plain}`]: '535 5.7.8 Error: authentication failed\r\n',
    });
    await world.session.ehlo('client.example');
    const error = await world.session
      .login({ username: 'alice@example.org', password: 'nope' })
      .catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('SMTP_AUTH_FAILED');
    expect(world.events).toEqual([
      {
        kind: 'auth-failed',
        verb: 'AUTH',
        mechanism: 'PLAIN',
        user: 'alice@example.org',
        replyCode: 535,
      },
    ]);
  });
});

describe('SmtpGuard on random frames (property)', () => {
  const piece = fc.oneof(
    fc.constantFrom(
      '\r\n', '\n', '\r', '.', '..', '\r\n.\r\n', '\n.\n', '\r.\r', 'DATA\r\n', 'RSET\r\n',
      'MAIL FROM:<a@example.org>\r\n', 'RCPT TO:<b@example.net>\r\n', 'QUIT\r\n', 'VRFY x\r\n', 'x',
    ),
    fc.uint8Array({ maxLength: 8 }).map((bytes) => String.fromCharCode(...bytes)),
  ); // prettier-ignore
  const frames = fc.array(
    fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
    {
      maxLength: 8,
    },
  );
  const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));

  it('never throws, forwards a prefix of what it got, and never a bare CR or LF', () => {
    fc.assert(
      fc.property(fc.boolean(), frames, (isInData, texts) => {
        const guard = new SmtpGuard();
        for (const step of isInData ? IN_DATA : SIGNED_IN) {
          if ('client' in step) guard.push(encode(step.client));
          else guard.receive(encode(step.server));
        }
        const input: number[] = [];
        const forwarded: number[] = [];
        let error: string | undefined;
        for (const text of texts) {
          const bytes = latin1(text);
          input.push(...bytes);
          const result = guard.push(bytes);
          if (result.error) {
            expect(error === undefined || error === result.error.code).toBe(true);
            error = result.error.code;
            continue;
          }
          expect(error).toBeUndefined();
          for (const part of result.bytes) forwarded.push(...part);
        }
        expect(input.slice(0, forwarded.length)).toEqual(forwarded);
        forwarded.forEach((byte, i) => {
          if (byte === 0x0a) expect(forwarded[i - 1]).toBe(0x0d);
          if (byte === 0x0d && i + 1 < forwarded.length) expect(forwarded[i + 1]).toBe(0x0a);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('SmtpGuard toward the browser', () => {
  const EHLO_FULL =
    '250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n' +
    '250-AUTH PLAIN LOGIN\r\n250-DSN\r\n250-CHUNKING\r\n250-XCLIENT NAME ADDR\r\n250 8BITMIME\r\n';
  const steps = (ehloReply: string): Step[] => [
    GREETING,
    { client: 'EHLO client.example\r\n' },
    { server: ehloReply },
    { client: 'NOOP\r\n' },
    { server: '250 2.0.0 Ok\r\n' },
  ];

  function toBrowser(list: Step[], limits?: Partial<SmtpGuardLimits>): string[] {
    const seen: string[] = [];
    for (const [, feed] of FEEDS) {
      const runsOf = new Map(
        list.map((step) => [step, feed(encode('client' in step ? step.client : step.server))]),
      );
      const count = Math.max(...[...runsOf.values()].map((runs) => runs.length));
      for (let run = 0; run < count; run++) {
        const guard = new SmtpGuard(limits);
        let text = '';
        for (const step of list) {
          const runs = runsOf.get(step)!;
          for (const chunk of runs[Math.min(run, runs.length - 1)]!) {
            if ('client' in step) {
              expect(guard.push(chunk).error).toBeUndefined();
              continue;
            }
            const result = guard.receive(chunk);
            expect(result.error).toBeUndefined();
            for (const part of result.bytes) text += decode(part);
          }
        }
        seen.push(text);
      }
    }
    return [...new Set(seen)];
  }

  it('hides what it refuses from the EHLO reply and lowers SIZE to its cap, at every split', () => {
    expect(toBrowser(steps(EHLO_FULL), { maxMessageBytes: 5_000_000 })).toEqual([
      '220 mail.example.org ESMTP Postfix\r\n' +
        '250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 5000000\r\n' +
        '250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n' +
        '250 2.0.0 Ok\r\n',
    ]);
  });

  it('keeps the server SIZE when it is the lower, and passes a refused EHLO byte for byte', () => {
    expect(toBrowser(steps(EHLO_FULL))[0]).toContain('250-SIZE 10240000\r\n');
    const refused = '502-5.5.2 no EHLO\n502 5.5.2 here\r\n';
    expect(toBrowser(steps(refused))).toEqual([`${GREETING.server}${refused}250 2.0.0 Ok\r\n`]);
  });
});
