// Sending through the real gateway to a real Postfix (465 and 587), read back
// by POP3 from the Dovecot it delivers into (issue 13 "Tests"): a message
// with a Chinese subject, a UTF-8 body and two binary attachments compared
// byte for byte; a refused recipient; a message over SIZE; a wrong password
// in the same throttle as POP3; STARTTLS missing or stripped; the log line.

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamConfig } from '../../../server/config.ts';
import { CLOSE_CODES } from '../../../shared/bridge/messages.ts';
import { startDovecot, type Dovecot } from '../../support/dovecot.ts';
import { startGateway, upstream, type Harness } from '../../support/gateway-harness.ts';
import { MAIL_DOMAIN, startPostfix, type Postfix } from '../../support/postfix.ts';
import {
  attachmentBytes,
  authPlain,
  buildMessage,
  dotStuff,
  encodedWord,
  openRefused,
  openSmtp,
  recordingProxy,
  signIn,
  type RecordingProxy,
} from '../../support/smtp-world.ts';
import { TestClient } from '../../support/ws-client.ts';

/** Frames under the gateway's 64 KiB payload cap. */
function sendInFrames(client: TestClient, text: string): void {
  for (let at = 0; at < text.length; at += 60_000) client.send(text.slice(at, at + 60_000));
}

const ALICE = { name: 'alice', password: 'wonderland-1' };
const BOB = { name: 'bob', password: 'builder-2' };
const SIZE_LIMIT = 200_000;

let dovecot: Dovecot;
let postfix: Postfix;
let plainProxy: RecordingProxy;
let strippingProxy: RecordingProxy;

beforeAll(async () => {
  dovecot = await startDovecot({ forPostfix: true, users: [ALICE, BOB] });
  postfix = await startPostfix(dovecot, { messageSizeLimit: SIZE_LIMIT });
  plainProxy = await recordingProxy({ host: postfix.host, port: postfix.plainPort });
  strippingProxy = await recordingProxy(
    { host: postfix.host, port: postfix.starttlsPort },
    { stripStartTls: true },
  );
}, 60_000);
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await plainProxy?.close();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await strippingProxy?.close();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await postfix?.stop();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await dovecot?.stop();
});

function server(id: string, port: number, tls: 'implicit' | 'starttls'): UpstreamConfig {
  return upstream(id, { host: dovecot.host, port: dovecot.implicitPort }, dovecot.ca, {
    smtp: {
      host: postfix.host,
      port,
      tls,
      ca: postfix.ca,
      servername: 'localhost',
      sender: { kind: 'username' },
      isXclient: false,
    },
  });
}

async function gateway(limits = {}): Promise<Harness> {
  return startGateway({
    upstreams: [
      server('implicit', postfix.implicitPort, 'implicit'),
      server('starttls', postfix.starttlsPort, 'starttls'),
      server('plain', plainProxy.port, 'starttls'),
      server('stripped', strippingProxy.port, 'starttls'),
      upstream('nosmtp', { host: dovecot.host, port: dovecot.implicitPort }, dovecot.ca),
    ],
    limits,
  });
}

/** RETR every message of `user` by POP3 through the gateway; dot-unstuffed, latin1. */
async function fetchByPop3(harness: Harness, user: typeof ALICE): Promise<string[]> {
  const client = await TestClient.open(harness, 'implicit');
  await client.command(`USER ${user.name}\r\n`);
  await client.command(`PASS ${user.password}\r\n`, /\+OK.*\r\n$/);
  const stat = await client.command('STAT\r\n', /\+OK \d+ \d+\r\n$/);
  const count = Number(/\+OK (\d+)/.exec(stat)?.[1]);
  const messages: string[] = [];
  for (let n = 1; n <= count; n++) {
    const reply = await client.command(`RETR ${n}\r\n`, '\r\n.\r\n');
    const body = reply.slice(reply.indexOf('\r\n') + 2, -3);
    messages.push(body.replace(/^\./gm, ''));
  }
  await client.command('QUIT\r\n');
  return messages;
}

describe.each([
  ['implicit', 'implicit TLS (465)'],
  ['starttls', 'STARTTLS by the gateway (587)'],
])('send to self through %s', (id) => {
  it('arrives by POP3 with the subject, the text and every byte of both attachments', async () => {
    const harness = await gateway();
    try {
      await dovecot.clearMailbox('alice');
      const subject = `测试邮件：附件 ${id}`;
      const text = '你好，世界！Grüße — a UTF-8 body.\n.starts with a dot\n';
      const files = [
        { name: 'a.bin', type: 'application/octet-stream', bytes: randomBytes(40_000) },
        // Every byte value, CR, LF and dots included: the bytes a bad relay mangles.
        {
          name: 'b.bin',
          type: 'application/octet-stream',
          bytes: Buffer.from([...Array(256).keys(), 13, 10, 46, 13, 10]),
        },
      ];
      const self = `alice@${MAIL_DOMAIN}`;
      const message = buildMessage({ from: self, to: self, subject, text, attachments: files });
      const client = await openSmtp(harness, id);
      await signIn(client, ALICE.name, ALICE.password);
      await client.command(`MAIL FROM:<${self}>\r\n`, /^250 /m);
      await client.command(`RCPT TO:<${self}>\r\n`, /^250 /m);
      await client.command('DATA\r\n', /^354 /m);
      const start = client.received.length;
      sendInFrames(
        client,
        Buffer.concat([dotStuff(message), Buffer.from('.\r\n')]).toString('latin1'),
      );
      await client.until(() => /^250 /m.test(client.received.slice(start)));
      expect(client.received.slice(start)).toMatch(/^250 2\.0\.0 Ok: queued/m);
      await client.command('QUIT\r\n', /^221 /m);
      expect((await client.closed).code).toBe(1000);
      await postfix.drained();
      const [got] = await fetchByPop3(harness, ALICE);
      expect(got).toContain(`Subject: ${encodedWord(subject)}`);
      const body = attachmentBytes(got!, 'a.bin');
      expect(body?.equals(files[0]!.bytes)).toBe(true);
      expect(attachmentBytes(got!, 'b.bin')?.equals(files[1]!.bytes)).toBe(true);
      const textPart =
        /charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n([^-]+)\r\n--/.exec(got!);
      expect(Buffer.from(textPart?.[1] ?? '', 'base64').toString('utf8')).toBe(text);
      // docs/security.md #66: one line per message, counts only.
      const lines = harness.events('smtp_message');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        target: id,
        recipients: 1,
        result: 'accepted',
        replyCode: 250,
      });
      expect(lines[0]?.size).toBeGreaterThan(40_000);
      const all = harness.rawLogs.join('\n');
      for (const secret of [self, 'alice@', encodedWord(subject), 'UTF-8 body', ALICE.password]) {
        expect(all).not.toContain(secret);
      }
    } finally {
      await harness.close();
    }
  });
});

describe('through the gateway to Postfix', () => {
  it('passes on a refused recipient, and the session goes on', async () => {
    const harness = await gateway();
    try {
      const client = await openSmtp(harness, 'implicit');
      await signIn(client, ALICE.name, ALICE.password);
      await client.command(`MAIL FROM:<alice@${MAIL_DOMAIN}>\r\n`, /^250 /m);
      const refused = await client.command(`RCPT TO:<nobody@${MAIL_DOMAIN}>\r\n`, /^5\d\d /m);
      expect(refused).toMatch(/^550 5\.1\.1 /m);
      expect(await client.command('RSET\r\n', /^250 /m)).toMatch(/^250 /m);
      client.ws.close();
    } finally {
      await harness.close();
    }
  });

  it("announces the server's SIZE and refuses a message over it, delivering nothing", async () => {
    const harness = await gateway();
    try {
      await dovecot.clearMailbox('bob');
      const client = await openSmtp(harness, 'implicit');
      const ehlo = await client.command('EHLO client.example\r\n', /^250 .*\r\n/m);
      expect(ehlo).toMatch(new RegExp(`^250-SIZE ${SIZE_LIMIT}\\r$`, 'm'));
      await client.command(authPlain(ALICE.name, ALICE.password), /^235 /m);
      await client.command(`MAIL FROM:<alice@${MAIL_DOMAIN}>\r\n`, /^250 /m);
      await client.command(`RCPT TO:<bob@${MAIL_DOMAIN}>\r\n`, /^250 /m);
      await client.command('DATA\r\n', /^354 /m);
      const line = `${'x'.repeat(998)}\r\n`;
      sendInFrames(
        client,
        `Subject: big\r\n\r\n${line.repeat(Math.ceil(SIZE_LIMIT / line.length) + 1)}.\r\n`,
      );
      const closed = await client.closed;
      expect(closed.code).toBe(CLOSE_CODES.TOO_LARGE);
      expect(client.controls.at(-1)).toMatchObject({ type: 'error', code: 'SMTP_TOO_LARGE' });
      await postfix.drained();
      expect(await dovecot.readMailbox('bob')).toHaveLength(0);
    } finally {
      await harness.close();
    }
  });

  it('counts a wrong SMTP password in the same throttle as a failed POP3 PASS', async () => {
    const harness = await gateway({ authFailureLimit: 2 });
    try {
      const pop3 = await TestClient.open(harness, 'implicit');
      await pop3.command('USER alice\r\n');
      await pop3.command('PASS wrong\r\n', /-ERR.*\r\n/);
      pop3.ws.close();
      await pop3.closed;
      const client = await openSmtp(harness, 'implicit');
      await client.command('EHLO client.example\r\n', /^250 .*\r\n/m);
      const failed = await client.command(authPlain('alice', 'wrong'), /^535 /m);
      expect(failed).toMatch(/^535 5\.7\.8 /m);
      // Two failures from this address: the ban reaches the session still signing in.
      expect((await client.closed).code).toBe(CLOSE_CODES.BANNED);
      const failures = harness.events('auth_failed');
      expect(failures.map((line) => line.verb)).toEqual(['PASS', 'AUTH']);
      expect(failures[1]?.msg).toBe(
        'pop3gw: auth failed for user=alice target=implicit from 127.0.0.1',
      );
      // And the address may not even open a new session while banned.
      await expect(openSmtp(harness, 'implicit')).rejects.toThrow('HTTP 429');
    } finally {
      await harness.close();
    }
  });

  it('refuses a submission server without STARTTLS, sending nothing but EHLO', async () => {
    const harness = await gateway();
    try {
      const { closed, error, client } = await openRefused(harness, 'plain');
      expect(closed.code).toBe(CLOSE_CODES.STARTTLS_FAILED);
      expect(error).toMatchObject({ code: 'UPSTREAM_STARTTLS_FAILED' });
      expect(client.received).toBe('');
      expect(plainProxy.sent()).toMatch(/^EHLO \[127\.0\.0\.1\]\r\n$/);
    } finally {
      await harness.close();
    }
  });

  it('refuses when STARTTLS is stripped from EHLO on the way', async () => {
    const harness = await gateway();
    try {
      const { closed, error } = await openRefused(harness, 'stripped');
      expect(closed.code).toBe(CLOSE_CODES.STARTTLS_FAILED);
      expect(error).toMatchObject({ code: 'UPSTREAM_STARTTLS_FAILED' });
      expect(strippingProxy.sent()).toMatch(/^EHLO \[127\.0\.0\.1\]\r\n$/);
    } finally {
      await harness.close();
    }
  });

  it('with SMTP_XCLIENT, sends no XCLIENT to a server that does not offer it', async () => {
    const smtp = { ...server('x', postfix.implicitPort, 'implicit').smtp!, isXclient: true };
    const harness = await startGateway({
      upstreams: [
        upstream('x', { host: dovecot.host, port: dovecot.implicitPort }, dovecot.ca, { smtp }),
      ],
    });
    try {
      // Postfix answers an unauthorized XCLIENT with 550, which would end the
      // session (UPSTREAM_XCLIENT_FAILED): opening and signing in prove none was sent.
      const client = await openSmtp(harness, 'x');
      expect(client.received.match(/^220 /gm)).toHaveLength(1);
      await signIn(client, ALICE.name, ALICE.password);
      expect(await postfix.log()).not.toMatch(/XCLIENT/i);
      client.ws.close();
    } finally {
      await harness.close();
    }
  });

  it('refuses SMTP for a server without a submission server, connecting nowhere', async () => {
    const harness = await gateway();
    try {
      const { closed, error } = await openRefused(harness, 'nosmtp');
      expect(closed.code).toBe(CLOSE_CODES.SENDING_OFF);
      expect(error).toMatchObject({ code: 'GATEWAY_SENDING_OFF' });
      expect(harness.connects).toHaveLength(0);
    } finally {
      await harness.close();
    }
  });
});
