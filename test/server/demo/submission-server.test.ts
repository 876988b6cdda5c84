// The demo's submission server end to end through the real gateway: the demo
// user signs in, mail to the demo address comes back by POP3, mail to anyone
// else is refused (the demo never relays), and a wrong password is a 535.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_DOMAIN,
  DEMO_USER,
  startDemoServer,
  startDemoSubmission,
  type DemoServer,
  type DemoSubmission,
} from '../../../server/demo/index.ts';
import { startGateway, upstream, type Harness } from '../../support/gateway-harness.ts';
import { authPlain, openSmtp, signIn } from '../../support/smtp-world.ts';
import { TestClient } from '../../support/ws-client.ts';

let demo: DemoServer;
let submission: DemoSubmission;
let harness: Harness;

beforeAll(async () => {
  demo = await startDemoServer();
  submission = await startDemoSubmission(demo);
  harness = await startGateway({
    upstreams: [
      upstream('demo', demo, demo.ca, {
        smtp: {
          host: submission.host,
          port: submission.port,
          tls: 'implicit',
          ca: demo.ca,
          servername: 'localhost',
          sender: { kind: 'template', template: `%u@${DEMO_DOMAIN}` },
          isXclient: false,
        },
      }),
    ],
  });
});
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await harness?.close();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await submission?.close();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await demo?.close();
});

const SELF = `${DEMO_USER.name}@${DEMO_DOMAIN}`;

describe('demo submission server', () => {
  it('delivers mail to the demo address into the demo inbox, read back by POP3', async () => {
    const before = demo.mailbox(DEMO_USER.name).length;
    const client = await openSmtp(harness, 'demo');
    await signIn(client, DEMO_USER.name, DEMO_USER.password);
    await client.command(`MAIL FROM:<${SELF}>\r\n`, /^250 /m);
    await client.command(`RCPT TO:<${SELF}>\r\n`, /^250 /m);
    await client.command('DATA\r\n', /^354 /m);
    const body = 'Subject: =?UTF-8?B?5L2g5aW9?=\r\n\r\nhello from the demo\r\n..dot\r\n';
    expect(await client.command(`${body}.\r\n`, /^250 /m)).toMatch(/^250 /m);
    await client.command('QUIT\r\n', /^221 /m);
    expect(demo.mailbox(DEMO_USER.name)).toHaveLength(before + 1);

    const pop3 = await TestClient.open(harness, 'demo');
    await pop3.command(`USER ${DEMO_USER.name}\r\n`);
    await pop3.command(`PASS ${DEMO_USER.password}\r\n`, /\+OK.*\r\n$/);
    const retr = await pop3.command(`RETR ${before + 1}\r\n`, '\r\n.\r\n');
    expect(retr).toContain('Subject: =?UTF-8?B?5L2g5aW9?=\r\n');
    expect(retr).toContain('hello from the demo\r\n..dot\r\n');
    pop3.ws.close();
  });

  it('never relays: another domain is refused at RCPT', async () => {
    const client = await openSmtp(harness, 'demo');
    await signIn(client, DEMO_USER.name, DEMO_USER.password);
    await client.command(`MAIL FROM:<${SELF}>\r\n`, /^250 /m);
    expect(await client.command('RCPT TO:<someone@example.org>\r\n', /^5\d\d /m)).toMatch(/^550 /m);
    client.ws.close();
  });

  it('answers a wrong password with 535, counted by the gateway', async () => {
    const client = await openSmtp(harness, 'demo');
    await client.command('EHLO client.example\r\n', /^250 .*\r\n/m);
    expect(await client.command(authPlain(DEMO_USER.name, 'wrong'), /^535 /m)).toMatch(/^535 /m);
    expect(harness.events('auth_failed').at(-1)).toMatchObject({ verb: 'AUTH', user: 'demo' });
    client.ws.close();
  });
});
