// Attacks on the submission path from a raw WebSocket client, through the
// real gateway to a real Postfix (docs/security.md #63–#65): commands out of
// order or off the allowlist, SMTP smuggling in the body (CVE-2023-51764),
// lines over the limit, and pipelining past the caps. Each ends the session
// with its code, and nothing reaches another recipient: bob's mailbox stays
// empty and Postfix never logs a delivery to him.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Limits, UpstreamConfig } from '../../../server/config.ts';
import { CLOSE_CODES } from '../../../shared/bridge/messages.ts';
import { startDovecot, type Dovecot } from '../../support/dovecot.ts';
import { startGateway, upstream, type Harness } from '../../support/gateway-harness.ts';
import { MAIL_DOMAIN, startPostfix, type Postfix } from '../../support/postfix.ts';
import { openSmtp, signIn } from '../../support/smtp-world.ts';
import type { TestClient } from '../../support/ws-client.ts';

const ALICE = { name: 'alice', password: 'wonderland-1' };
const BOB = { name: 'bob', password: 'builder-2' };
const SELF = `alice@${MAIL_DOMAIN}`;
const VICTIM = `bob@${MAIL_DOMAIN}`;

let dovecot: Dovecot;
let postfix: Postfix;

beforeAll(async () => {
  dovecot = await startDovecot({ forPostfix: true, users: [ALICE, BOB] });
  postfix = await startPostfix(dovecot);
}, 60_000);
afterAll(async () => {
  // Whatever each attack tried, bob got nothing.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await postfix?.drained();
  expect(await dovecot.readMailbox('bob')).toHaveLength(0);
  expect(await postfix.log()).not.toContain(`to=<${VICTIM}>`);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await postfix?.stop();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await dovecot?.stop();
});

function server(): UpstreamConfig {
  return upstream('main', { host: dovecot.host, port: dovecot.implicitPort }, dovecot.ca, {
    smtp: {
      host: postfix.host,
      port: postfix.implicitPort,
      tls: 'implicit',
      ca: postfix.ca,
      servername: 'localhost',
      sender: { kind: 'username' },
      isXclient: false,
    },
  });
}

async function withGateway(
  limits: Partial<Limits>,
  run: (harness: Harness) => Promise<void>,
): Promise<void> {
  const harness = await startGateway({ upstreams: [server()], limits });
  try {
    await run(harness);
  } finally {
    await harness.close();
  }
}

/** Send `bytes`; the session must end with `close` and the error `code`. */
async function refused(client: TestClient, bytes: string, close: number, code: string) {
  const before = client.received.length;
  client.send(bytes);
  const closed = await client.closed;
  expect(client.controls.at(-1)).toMatchObject({ type: 'error', code });
  expect(closed.code).toBe(close);
  return client.received.slice(before);
}

async function inTransaction(harness: Harness): Promise<TestClient> {
  const client = await openSmtp(harness, 'main');
  await signIn(client, ALICE.name, ALICE.password);
  await client.command(`MAIL FROM:<${SELF}>\r\n`, /^250 /m);
  await client.command(`RCPT TO:<${SELF}>\r\n`, /^250 /m);
  await client.command('DATA\r\n', /^354 /m);
  return client;
}

describe('order and allowlist (docs/security.md #63)', () => {
  it('refuses MAIL before AUTH, and RCPT with it, sending neither', async () => {
    await withGateway({}, async (harness) => {
      const client = await openSmtp(harness, 'main');
      await client.command('EHLO client.example\r\n', /^250 .*\r\n/m);
      const after = await refused(
        client,
        `MAIL FROM:<${SELF}>\r\nRCPT TO:<${VICTIM}>\r\n`,
        CLOSE_CODES.OUT_OF_ORDER,
        'SMTP_MAIL_BEFORE_AUTH',
      );
      expect(after).toBe('');
    });
  });

  it.each([
    'VRFY bob',
    'EXPN staff',
    'XCLIENT ADDR=10.9.9.9',
    'ETRN example.test',
    'TURN',
    'BDAT 10 LAST',
    'STARTTLS',
    'HELO x',
  ])('refuses %s from the browser', async (line) => {
    await withGateway({}, async (harness) => {
      const client = await openSmtp(harness, 'main');
      await signIn(client, ALICE.name, ALICE.password);
      const after = await refused(
        client,
        `${line}\r\n`,
        CLOSE_CODES.LINE_REJECTED,
        'BRIDGE_VERB_FORBIDDEN',
      );
      expect(after).toBe('');
    });
  });

  it('refuses a command line over the limit before it ends', async () => {
    await withGateway({}, async (harness) => {
      const client = await openSmtp(harness, 'main');
      await refused(
        client,
        `NOOP ${'x'.repeat(20_000)}`,
        CLOSE_CODES.LINE_REJECTED,
        'BRIDGE_LINE_TOO_LONG',
      );
    });
  });
});

describe('message body (docs/security.md #64)', () => {
  const smuggled = `MAIL FROM:<${SELF}>\r\nRCPT TO:<${VICTIM}>\r\nDATA\r\nSubject: smuggled\r\n\r\nhi bob\r\n.\r\n`;
  it.each([
    ['\\n.\\n', '\n.\n', 'SMTP_BARE_LF'],
    ['\\r.\\r', '\r.\r', 'SMTP_BARE_CR'],
    ['\\r\\n.\\n', '\r\n.\n', 'SMTP_SMUGGLING'],
    ['\\n.\\r\\n', '\n.\r\n', 'SMTP_BARE_LF'],
    ['a bare LF', 'x\ny', 'SMTP_BARE_LF'],
  ])('refuses %s inside DATA; the smuggled command never runs', async (_name, trick, code) => {
    await withGateway({}, async (harness) => {
      const client = await inTransaction(harness);
      const after = await refused(
        client,
        `Subject: hello\r\n\r\nhello${trick}${smuggled}`,
        CLOSE_CODES.MESSAGE_REJECTED,
        code,
      );
      expect(after).not.toMatch(/^250 /m);
    });
  });

  it('refuses a message line over 1000 octets (RFC 5321 §4.5.3.1.6)', async () => {
    await withGateway({}, async (harness) => {
      const client = await inTransaction(harness);
      await refused(
        client,
        `Subject: long\r\n\r\n${'y'.repeat(1200)}\r\n.\r\n`,
        CLOSE_CODES.MESSAGE_REJECTED,
        'SMTP_DATA_LINE_TOO_LONG',
      );
    });
  });
});

describe('caps, pipelined (docs/security.md #65)', () => {
  it('refuses the 101st recipient, and the 100 before it never reach the server', async () => {
    await withGateway({}, async (harness) => {
      const client = await openSmtp(harness, 'main');
      await signIn(client, ALICE.name, ALICE.password);
      const rcpts = Array.from({ length: 101 }, () => `RCPT TO:<${VICTIM}>\r\n`).join('');
      const after = await refused(
        client,
        `MAIL FROM:<${SELF}>\r\n${rcpts}DATA\r\n`,
        CLOSE_CODES.TOO_MANY_RECIPIENTS,
        'SMTP_TOO_MANY_RECIPIENTS',
      );
      expect(after).toBe('');
    });
  });

  it('refuses messages past the hourly cap per user at MAIL', async () => {
    await withGateway({ smtpMessagesPerUserHour: 1 }, async (harness) => {
      const client = await openSmtp(harness, 'main');
      await signIn(client, ALICE.name, ALICE.password);
      await refused(
        client,
        `MAIL FROM:<${SELF}>\r\nRSET\r\nMAIL FROM:<${SELF}>\r\nRCPT TO:<${VICTIM}>\r\n`,
        CLOSE_CODES.SEND_LIMIT,
        'GATEWAY_SEND_LIMIT',
      );
    });
  });

  it('refuses messages past the hourly cap per address, across sessions', async () => {
    await withGateway({ smtpMessagesPerAddressHour: 1 }, async (harness) => {
      const first = await openSmtp(harness, 'main');
      await signIn(first, ALICE.name, ALICE.password);
      await first.command(`MAIL FROM:<${SELF}>\r\n`, /^250 /m);
      await first.command('QUIT\r\n', /^221 /m);
      await first.closed;
      const second = await openSmtp(harness, 'main');
      await signIn(second, ALICE.name, ALICE.password);
      await refused(
        second,
        `MAIL FROM:<${SELF}>\r\n`,
        CLOSE_CODES.SEND_LIMIT,
        'GATEWAY_SEND_LIMIT',
      );
    });
  });

  it('refuses more pipelined commands than may await a reply', async () => {
    await withGateway({}, async (harness) => {
      const client = await openSmtp(harness, 'main');
      await signIn(client, ALICE.name, ALICE.password);
      await refused(
        client,
        'NOOP\r\n'.repeat(300),
        CLOSE_CODES.LINE_REJECTED,
        'BRIDGE_LINE_REJECTED',
      );
    });
  });
});
