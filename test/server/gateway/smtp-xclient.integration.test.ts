// SMTP_XCLIENT through the real gateway to a Postfix that trusts it
// (Postfix XCLIENT_README, smtpd_authorized_xclient_hosts): the server learns
// the person's address, not the gateway's, and the browser sees the new 220.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xclientLine } from '../../../server/smtp-upstream.ts';
import { startDovecot, type Dovecot } from '../../support/dovecot.ts';
import { startGateway, upstream } from '../../support/gateway-harness.ts';
import { MAIL_DOMAIN, startPostfix, type Postfix } from '../../support/postfix.ts';
import { signIn } from '../../support/smtp-world.ts';
import { TestClient } from '../../support/ws-client.ts';

const ALICE = { name: 'alice', password: 'wonderland-1' };
let dovecot: Dovecot;
let postfix: Postfix;

beforeAll(async () => {
  dovecot = await startDovecot({ forPostfix: true, users: [ALICE] });
  postfix = await startPostfix(dovecot, { allowXclient: true });
}, 60_000);
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await postfix?.stop();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await dovecot?.stop();
});

describe('SMTP_XCLIENT', () => {
  it('writes ADDR as Postfix reads it', () => {
    expect(xclientLine('203.0.113.7')).toBe('XCLIENT ADDR=203.0.113.7\r\n');
    expect(xclientLine('::ffff:203.0.113.7')).toBe('XCLIENT ADDR=203.0.113.7\r\n');
    expect(xclientLine('2001:db8::1')).toBe('XCLIENT ADDR=IPV6:2001:db8::1\r\n');
    expect(() => xclientLine('not an address\r\nRCPT')).toThrow(/no client address/);
  });

  it("tells Postfix the person's address, and hands the browser the new greeting", async () => {
    const harness = await startGateway({
      env: { TRUST_PROXY: 'loopback' },
      upstreams: [
        upstream('main', { host: dovecot.host, port: dovecot.implicitPort }, dovecot.ca, {
          smtp: {
            host: postfix.host,
            port: postfix.starttlsPort,
            tls: 'starttls',
            ca: postfix.ca,
            servername: 'localhost',
            sender: { kind: 'username' },
            isXclient: true,
          },
        }),
      ],
    });
    try {
      const client = await TestClient.connect(harness, {
        headers: { 'X-Forwarded-For': '203.0.113.7' },
      });
      client.sendText(JSON.stringify({ type: 'open', v: 1, server: 'main', service: 'smtp' }));
      await client.until(() => /^220 .*\r\n/m.test(client.received));
      // One greeting only: the plaintext one and the pre-XCLIENT one never reach the browser.
      expect(client.received.match(/^220 /gm)).toHaveLength(1);
      await signIn(client, ALICE.name, ALICE.password);
      const self = `alice@${MAIL_DOMAIN}`;
      await client.command(`MAIL FROM:<${self}>\r\n`, /^250 /m);
      await client.command(`RCPT TO:<${self}>\r\n`, /^250 /m);
      await client.command('DATA\r\n', /^354 /m);
      await client.command('Subject: via xclient\r\n\r\nhello\r\n.\r\n', /^250 /m);
      await client.command('QUIT\r\n', /^221 /m);
      await postfix.drained();
      expect(await postfix.log()).toMatch(/client=[^\s,]*\[203\.0\.113\.7\]/);
    } finally {
      await harness.close();
    }
  });
});
