// Hostile POP3 servers (the hostile-server cases of test/support/hostile-pop3.ts)
// through the real gateway and the real app in headless Chromium: each case
// ends in a typed error the user reads in plain words (or, for the cases that
// are legal POP3, simply works), and afterwards the same page still signs in
// to a good server and the gateway still serves /healthz and new sessions.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../support/browser.ts';
import { builtClient, type BuiltClient } from '../../support/app-server.ts';
import {
  ACCOUNT,
  capaReply,
  DOT_LINES,
  DOTS_SUBJECT,
  HELLO_SUBJECT,
  replyTo,
  startHostile,
  startMultiGateway,
  startTlsFailure,
  stuffedDotsReply,
  uidlReply,
  type HostileUpstream,
} from '../../support/hostile-pop3.ts';
import type { AppGateway } from '../../support/app-server.ts';
import { eventually } from './app-session.ts';

const MIB = 1024 * 1024;

const TEXT = {
  protocol: 'The mail server sent a reply this app cannot understand.',
  badGreeting:
    'The mail server refused the connection or greeted this app with something it cannot understand.',
  serverClosed: 'The mail server closed the connection unexpectedly.',
  wrongPassword: 'Wrong username or password.',
  banned: 'Too many failed sign-ins. Wait a few minutes, then try again.',
  timeout: 'The mail server stopped answering.',
  selfSigned:
    'The mail server uses a self-signed certificate that is not trusted, so the connection was stopped.',
  expired: 'The mail server’s certificate has expired, so the connection was stopped.',
  hostname: 'The mail server’s certificate is for a different name, so the connection was stopped.',
  tlsProtocol: 'A secure connection to the mail server could not be set up.',
  uidUnreliable: 'This server cannot confirm message identities, so deleting is off.',
  apopIgnored:
    'APOP was not used: the mail server’s APOP challenge is malformed. You signed in over the encrypted connection instead.',
} as const;

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Each upstream: its id (also the option value in the server choice) and how to start it. */
const UPSTREAMS: Record<string, () => Promise<HostileUpstream>> = {
  good: () => startHostile('good', 'Good server'),
  'endless-greeting': () =>
    startHostile('endless-greeting', 'Endless greeting', {
      faults: { greeting: enc('A'.repeat(MIB)) },
    }),
  'apop-flood': () =>
    startHostile('apop-flood', 'Greeting of 100k <', {
      faults: { greeting: `+OK ${'<'.repeat(100_000)}\r\n` },
    }),
  'before-greeting': () =>
    startHostile('before-greeting', 'Data before the greeting', {
      faults: { greeting: '* hello, this is not POP3\r\n+OK ready\r\n' },
    }),
  'two-greetings': () =>
    startHostile('two-greetings', 'Two greetings', {
      faults: { greeting: '+OK ready\r\n+OK ready again\r\n' },
    }),
  'huge-status': () =>
    startHostile('huge-status', '10 MiB status line', {
      faults: { onCommand: replyTo({ CAPA: enc(`+OK ${'x'.repeat(10 * MIB)}\r\n`) }) },
    }),
  'endless-line': () =>
    startHostile('endless-line', 'Endless line', {
      faults: {
        onCommand: replyTo({ CAPA: { chunks: [`+OK ${'y'.repeat(2 * MIB)}`], then: 'stall' } }),
      },
    }),
  'no-terminator': () =>
    startHostile('no-terminator', 'Multi-line without terminator', {
      faults: {
        onCommand: replyTo({
          CAPA: { chunks: ['+OK capability list follows\r\nTOP\r\nUSER\r\n'], then: 'close' },
        }),
      },
    }),
  'extra-ok-capa': () =>
    startHostile('extra-ok-capa', 'Extra +OK after CAPA', {
      faults: { onCommand: replyTo({ CAPA: `${capaReply()}+OK surprise\r\n` }) },
    }),
  'extra-ok-user': () =>
    startHostile('extra-ok-user', 'Extra +OK after USER', {
      capabilities: { pipelining: false, sasl: [] },
      faults: { onCommand: replyTo({ USER: '+OK\r\n+OK\r\n' }) },
    }),
  'refuse-auth': () =>
    startHostile('refuse-auth', 'Refuses every login', {
      faults: {
        onCommand: replyTo({
          USER: '-ERR no\r\n',
          PASS: '-ERR no\r\n',
          AUTH: '-ERR no\r\n',
          APOP: '-ERR no\r\n',
        }),
      },
    }),
  'stall-greeting': () =>
    startHostile('stall-greeting', 'Stalls after the greeting', {
      faults: { onCommand: replyTo({ CAPA: 'stall' }) },
    }),
  'self-signed': () => startTlsFailure('self-signed', 'Self-signed', 'self-signed'),
  expired: () => startTlsFailure('expired', 'Expired', 'expired'),
  'wrong-name': () => startTlsFailure('wrong-name', 'Wrong name', 'wrong-name'),
  'tls-old': () => startTlsFailure('tls-old', 'TLS 1.0 only', 'tls1.0'),
  'stls-995': () =>
    startHostile('stls-995', 'STLS on 995', {
      faults: { onCommand: replyTo({ CAPA: capaReply(['STLS']) }) },
    }),
  xclient: () =>
    startHostile('xclient', 'Offers XCLIENT', {
      faults: { onCommand: replyTo({ CAPA: capaReply(['XCLIENT ADDR NAME']) }) },
    }),
  'apop-long': () =>
    startHostile('apop-long', 'APOP timestamp of 300 bytes', {
      faults: { greeting: `+OK ready <${'a'.repeat(280)}@example.test>\r\n` },
    }),
  'list-negative': () =>
    startHostile('list-negative', 'LIST negative', {
      faults: { onCommand: replyTo({ LIST: '+OK\r\n1 -5\r\n2 100\r\n.\r\n' }) },
    }),
  'list-huge': () =>
    startHostile('list-huge', 'LIST huge', {
      faults: { onCommand: replyTo({ LIST: '+OK\r\n1 9007199254740991\r\n2 100\r\n.\r\n' }) },
    }),
  'list-text': () =>
    startHostile('list-text', 'LIST non-numeric', {
      faults: { onCommand: replyTo({ LIST: '+OK\r\n1 1e9\r\n2 0x10\r\n.\r\n' }) },
    }),
  'stat-mismatch': () =>
    startHostile('stat-mismatch', 'STAT says otherwise', {
      faults: { onCommand: replyTo({ STAT: '+OK -5 99999999999999999999\r\n' }) },
    }),
  'list-beyond': () =>
    startHostile('list-beyond', 'LIST names message 3 of 2', {
      faults: { onCommand: replyTo({ LIST: '+OK\r\n1 300\r\n2 300\r\n2 300\r\n.\r\n' }) },
    }),
  'uidl-empty': () => uidlServer('uidl-empty', 'hello-1', ''),
  'uidl-duplicate': () => uidlServer('uidl-duplicate', 'same', 'same'),
  'uidl-long': () => uidlServer('uidl-long', 'hello-1', 'u'.repeat(5000)),
  'uidl-traversal': () => uidlServer('uidl-traversal', '../../etc/passwd', '..\\..\\x'),
  'uidl-non-ascii': () => uidlServer('uidl-non-ascii', 'hello-1', 'résumé-✉'),
  'uidl-nul': () => uidlServer('uidl-nul', 'hello-1', 'a\0b'),
  'split-terminator': () =>
    startHostile('split-terminator', 'Terminator split across frames', {
      faults: {
        onCommand: replyTo({
          RETR: (command) =>
            'msg' in command && command.msg === 2
              ? { chunks: [`${stuffedDotsReply()}\r`, '\n.', '\r', '\n'], gapMs: 150 }
              : undefined,
        }),
      },
    }),
  'stall-retr': () =>
    startHostile('stall-retr', 'Stalls mid-RETR', {
      faults: {
        onCommand: replyTo({
          RETR: { chunks: ['+OK 300 octets\r\nSubject: cut short\r\n'], then: 'stall' },
        }),
      },
    }),
  'after-quit': () =>
    startHostile('after-quit', 'Data after QUIT', {
      faults: {
        onCommand: replyTo({
          QUIT: {
            chunks: ['+OK bye\r\n+OK one more thing\r\n-ERR and another\r\n'],
            then: 'close',
          },
        }),
      },
    }),
};

function uidlServer(id: string, first: string, second: string): Promise<HostileUpstream> {
  return startHostile(id, `UIDL ${id.slice(5)}`, {
    faults: { onCommand: replyTo({ UIDL: uidlReply(first, second) }) },
  });
}

let client: BuiltClient;
let browser: Browser;
let gateway: AppGateway & { dispose(): Promise<void> };
let upstreams: Map<string, HostileUpstream>;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const signInForm = (): ReturnType<Page['locator']> => page.locator('main.sign-in form');
const signInAlert = (): ReturnType<Page['locator']> => page.locator('main.sign-in [role="alert"]');
const connectionStatus = (): ReturnType<Page['locator']> =>
  page.getByRole('status', { name: 'Connection status' });

/** Back to the sign-in form: sign out if the inbox is showing. */
async function toSignIn(): Promise<void> {
  if (await signInForm().isVisible()) return;
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInForm().waitFor({ timeout: 30_000 });
}

/** The UIDLs under which the app cached headers for `server` in IndexedDB. */
function cachedUidls(server: string): Promise<string[]> {
  return page.evaluate(
    (account) =>
      new Promise<string[]>((resolve) => {
        const open = indexedDB.open('pop3-webmail');
        open.onerror = () => resolve([]);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('headers')) {
            resolve([]);
            return;
          }
          const all = db.transaction('headers').objectStore('headers').getAll();
          // Closed at once: an open connection would hold up the app's own upgrades and deletes.
          all.onsuccess = () => {
            db.close();
            resolve(
              (all.result as { account: string; uidl: string }[])
                .filter((entry) => entry.account === account)
                .map((entry) => entry.uidl),
            );
          };
          all.onerror = () => resolve([]);
        };
      }),
    `${server}/${ACCOUNT.name}`,
  );
}

async function signIn(server: string): Promise<void> {
  await toSignIn();
  await page.getByRole('combobox', { name: 'Server' }).selectOption(server);
  await page.getByRole('textbox', { name: 'Username' }).fill(ACCOUNT.name);
  await page.getByRole('textbox', { name: 'Password' }).fill(ACCOUNT.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Tick "Sign in with APOP" in the form's Advanced area. */
async function preferApop(): Promise<void> {
  await page.getByText('Advanced', { exact: true }).click();
  await page
    .getByRole('checkbox', { name: 'Sign in with APOP (only if your mail provider asks for it)' })
    .check();
}

async function expectSignInError(text: string): Promise<void> {
  await expect
    .poll(async () => ((await signInAlert().count()) > 0 ? signInAlert().innerText() : ''), {
      timeout: 45_000,
      interval: 200,
    })
    .toBe(text);
}

const grid = (): ReturnType<Page['getByRole']> => page.getByRole('grid', { name: 'Messages' });

async function expectInbox(subjects: readonly string[]): Promise<void> {
  await grid().waitFor({ timeout: 30_000 });
  for (const subject of subjects) {
    await grid().getByRole('row').filter({ hasText: subject }).waitFor({ timeout: 30_000 });
  }
}

/** Every line the scripted server `id` received. */
function linesOf(id: string): readonly string[] {
  return upstreams.get(id)!.lines();
}

/** Whether the scripted server `id` received a line matching `pattern`. */
function received(id: string, pattern: RegExp): boolean {
  return linesOf(id).some((line) => pattern.test(line));
}

async function expectStatusReason(text: string): Promise<void> {
  await expect
    .poll(() => connectionStatus().innerText(), { timeout: 45_000, interval: 200 })
    .toContain(text);
}

beforeAll(async () => {
  client = builtClient();
  browser = await launchChromium();
  const started = await Promise.all(Object.values(UPSTREAMS).map((start) => start()));
  upstreams = new Map(started.map((upstream) => [upstream.id, upstream]));
  gateway = await startMultiGateway({
    upstreams: started,
    staticDir: client.dir,
    env: {
      // Throttling per server+user, low enough to reach in a test; the
      // per-address limit stays high so the other cases are not refused.
      AUTH_FAILURE_LIMIT: '1000',
      AUTH_USER_FAILURE_LIMIT: '5',
      AUTH_BAN_MS: '600000',
    },
  });
  context = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 800 } });
  // The reply timeout is 60 s (docs/security.md #39): a fake clock lets the stall
  // cases jump past it without changing the product's default.
  await context.clock.install();
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(gateway.url);
  await signInForm().waitFor();
}, 240_000);

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await browser?.close();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await gateway?.dispose();
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await Promise.all([...(upstreams?.values() ?? [])].map((upstream) => upstream.close()));
});

describe('sign-in against a hostile server ends in a plain-words error', () => {
  it.each([
    ['endless-greeting', 'a greeting line without CRLF', TEXT.badGreeting],
    ['apop-flood', "a greeting of 100,000 '<'", TEXT.badGreeting],
    ['before-greeting', 'data before the greeting', TEXT.badGreeting],
    ['two-greetings', 'a second +OK right after the greeting', TEXT.protocol],
    ['huge-status', 'a 10 MiB status line', TEXT.protocol],
    ['endless-line', 'an endless line without CRLF', TEXT.protocol],
    ['no-terminator', 'a multi-line reply without terminator, then close', TEXT.serverClosed],
    ['extra-ok-capa', 'an unsolicited +OK after a multi-line reply', TEXT.protocol],
    ['extra-ok-user', 'two +OK for one USER', TEXT.protocol],
    ['self-signed', 'a self-signed certificate', TEXT.selfSigned],
    ['expired', 'an expired certificate', TEXT.expired],
    ['wrong-name', 'a certificate for another name', TEXT.hostname],
    ['tls-old', 'TLS 1.0 only', TEXT.tlsProtocol],
  ])('%s: %s', async (server, _what, text) => {
    await signIn(server);
    await expectSignInError(text);
    await expect(signInForm().isVisible()).resolves.toBe(true);
  });

  it('refuse-auth: -ERR to every login says "wrong password", then the gateway throttles', async () => {
    await signIn('refuse-auth');
    await expectSignInError(TEXT.wrongPassword);
    const refused = linesOf('refuse-auth');
    // PLAIN, LOGIN, then USER/PASS: every offered mechanism was tried once, no APOP.
    expect(refused.filter((line) => /^(AUTH|USER)\b/.test(line)).length).toBeGreaterThanOrEqual(2);
    const button = page.getByRole('button', { name: 'Sign in' });
    let attempts = 1;
    for (; attempts < 6; attempts++) {
      const seen = linesOf('refuse-auth').length;
      await button.click();
      // A sign-in against this server is over in a blink, so the old alert may never
      // visibly leave: what the server received says the new attempt happened.
      const outcome = async (): Promise<string> => {
        const text = (await signInAlert().count()) > 0 ? await signInAlert().innerText() : '';
        if (text === TEXT.banned) return 'banned';
        const isOver = linesOf('refuse-auth').length > seen && !(await button.isDisabled());
        return isOver ? text : '';
      };
      await expect.poll(outcome, { timeout: 45_000 }).not.toBe('');
      // Each sign-in here tries two or three mechanisms: the allowance of five runs out soon.
      if ((await outcome()) === 'banned') break;
      await expect(outcome()).resolves.toBe(TEXT.wrongPassword);
    }
    expect(attempts).toBeLessThan(6);
  });

  it('stall-greeting: silence after the greeting times out after 60 s', async () => {
    await signIn('stall-greeting');
    await expect
      .poll(() => linesOf('stall-greeting').includes('CAPA'), { timeout: 30_000 })
      .toBe(true);
    await expect(page.getByText('Signing in…').isVisible()).resolves.toBe(true);
    await context.clock.fastForward('01:01');
    await expectSignInError(TEXT.timeout);
  });
});

describe('servers that bend the rules but speak POP3 still work', () => {
  it('stls-995: STLS advertised on implicit TLS is never sent', async () => {
    await signIn('stls-995');
    await expectInbox([HELLO_SUBJECT, DOTS_SUBJECT]);
    expect(linesOf('stls-995')).not.toContain('STLS');
    await toSignIn();
  });

  it('xclient: the app never sends XCLIENT and the gateway refuses a forged one', async () => {
    await signIn('xclient');
    await expectInbox([HELLO_SUBJECT]);
    await toSignIn();
    // A script on the page speaks the bridge protocol itself and tries to forge it.
    const closeCode = await page.evaluate(
      async (url) => {
        const socket = new WebSocket(url);
        socket.binaryType = 'arraybuffer';
        return new Promise<number>((resolve) => {
          socket.onopen = () =>
            socket.send(JSON.stringify({ type: 'open', v: 1, server: 'xclient' }));
          socket.onmessage = (event) => {
            if (typeof event.data !== 'string' || !event.data.includes('"opened"')) return;
            socket.send(new TextEncoder().encode('XCLIENT ADDR=203.0.113.7 NAME=spoofed\r\n'));
          };
          socket.onclose = (event) => resolve(event.code);
        });
      },
      `${gateway.url.replace('http:', 'ws:')}ws`,
    );
    expect(closeCode).toBe(4020);
    expect(received('xclient', /^XCLIENT/i)).toBe(false);
  });

  it('apop-long: a 300-byte APOP timestamp is not used; sign-in goes on without APOP', async () => {
    await signIn('apop-long');
    await expectInbox([HELLO_SUBJECT]);
    expect(received('apop-long', /^APOP/)).toBe(false);
    // The user did not ask for APOP: nothing to warn about.
    await expect(page.getByText(TEXT.apopIgnored).count()).resolves.toBe(0);
    await toSignIn();
  });

  it('apop-long with "Sign in with APOP" ticked: APOP is still not used, and the user is told', async () => {
    await toSignIn();
    await preferApop();
    await signIn('apop-long');
    await expectInbox([HELLO_SUBJECT]);
    await page.getByText(TEXT.apopIgnored).waitFor();
    expect(received('apop-long', /^APOP/)).toBe(false);
    await toSignIn();
  });

  it('good with "Sign in with APOP" ticked: a valid timestamp is used, without a warning', async () => {
    await toSignIn();
    await preferApop();
    await signIn('good');
    await expectInbox([HELLO_SUBJECT]);
    expect(received('good', /^APOP alice/)).toBe(true);
    await expect(page.getByText(TEXT.apopIgnored).count()).resolves.toBe(0);
    await toSignIn();
  });

  it('split-terminator: "." lines, ".." lines and a terminator split across frames', async () => {
    await signIn('split-terminator');
    await expectInbox([DOTS_SUBJECT]);
    await grid().getByRole('row').filter({ hasText: DOTS_SUBJECT }).click();
    const reader = page.getByRole('region', { name: 'Message' });
    await reader.getByText('after the dots').waitFor({ timeout: 30_000 });
    const text = await reader.innerText();
    expect(text).toContain(DOT_LINES.join('\n'));
    await page.getByRole('button', { name: 'Back' }).click();
    await toSignIn();
  });

  it('uidl-traversal: "../../" unique-ids are only keys, the list works', async () => {
    await signIn('uidl-traversal');
    await expectInbox([HELLO_SUBJECT, DOTS_SUBJECT]);
    await expect(connectionStatus().innerText()).resolves.toBe('Connected');
    await toSignIn();
  });

  it('stat-mismatch: a STAT that disagrees with LIST does not matter, LIST rules', async () => {
    await signIn('stat-mismatch');
    await expectInbox([HELLO_SUBJECT, DOTS_SUBJECT]);
    await expect(grid().getAttribute('aria-rowcount')).resolves.toBe('2');
    await toSignIn();
  });

  it('after-quit: bytes after the QUIT reply do not spoil signing out', async () => {
    await signIn('after-quit');
    await expectInbox([HELLO_SUBJECT]);
    await toSignIn();
    await expect(signInAlert().count()).resolves.toBe(0);
    expect(linesOf('after-quit')).toContain('QUIT');
  });
});

describe('a hostile listing or download ends in a plain-words error in the inbox', () => {
  it.each([
    ['list-negative', 'LIST with a negative size'],
    ['list-huge', 'LIST with a size of 2^53-1'],
    ['list-text', 'LIST with non-numeric sizes'],
    ['list-beyond', 'LIST naming a message twice'],
  ])('%s: %s', async (server) => {
    await signIn(server);
    await grid().waitFor({ timeout: 30_000 });
    await expectStatusReason(`Offline — ${TEXT.protocol}`);
    await toSignIn();
  });

  it.each([
    ['uidl-empty', 'an empty unique-id'],
    ['uidl-duplicate', 'a duplicate unique-id'],
    ['uidl-nul', 'a unique-id with NUL'],
  ])('%s: %s makes the mailbox UID-unreliable: listed by number, read-only', async (server) => {
    await signIn(server);
    await expectInbox([HELLO_SUBJECT, DOTS_SUBJECT]);
    await expect(page.getByText(TEXT.uidUnreliable).isVisible()).resolves.toBe(true);
    await toSignIn();
  });

  it.each([
    ['uidl-long', 'a 5,000-character unique-id', 'u'.repeat(40)],
    ['uidl-non-ascii', 'a non-ASCII unique-id', 'résumé'],
  ])('%s: %s is kept, keyed by its hash: cached, deletable, no raw key', async (server, _, raw) => {
    await signIn(server);
    await expectInbox([HELLO_SUBJECT, DOTS_SUBJECT]);
    expect(await page.getByText(TEXT.uidUnreliable).count()).toBe(0);
    await expect.poll(() => cachedUidls(server), { timeout: 30_000 }).toHaveLength(2);
    const keys = await cachedUidls(server);
    expect(keys.some((key) => /^sha256:[0-9a-f]{64}$/.test(key))).toBe(true);
    expect(keys.filter((key) => key.includes(raw))).toEqual([]);
    await toSignIn();
  });

  it('stall-retr: silence mid-download times out after 60 s and says so', async () => {
    await signIn('stall-retr');
    await expectInbox([HELLO_SUBJECT]);
    await grid().getByRole('row').filter({ hasText: HELLO_SUBJECT }).click();
    await page.getByText('Downloading the message…').first().waitFor();
    await expect
      .poll(() => linesOf('stall-retr').includes('RETR 1'), { timeout: 30_000 })
      .toBe(true);
    await context.clock.fastForward('01:01');
    await expectStatusReason(TEXT.timeout);
    await toSignIn();
  });
});

describe('afterwards', () => {
  it('the same page signs in to a good server and reads a message', async () => {
    await signIn('good');
    await expectInbox([HELLO_SUBJECT, DOTS_SUBJECT]);
    await grid().getByRole('row').filter({ hasText: DOTS_SUBJECT }).click();
    const reader = page.getByRole('region', { name: 'Message' });
    await reader.getByText('after the dots').waitFor({ timeout: 30_000 });
    expect(await reader.innerText()).toContain(DOT_LINES.join('\n'));
    await page.getByRole('button', { name: 'Back' }).click();
    await toSignIn();
    expect(pageErrors).toEqual([]);
  });

  it('the gateway still answers /healthz and opens a fresh session', async () => {
    const health = await fetch(new URL('healthz', gateway.url));
    expect(health.status).toBe(200);
    const fresh = await browser.newContext({ locale: 'en-US' });
    try {
      const other = await fresh.newPage();
      await other.goto(gateway.url);
      await other.getByRole('combobox', { name: 'Server' }).selectOption('good');
      await other.getByRole('textbox', { name: 'Username' }).fill(ACCOUNT.name);
      await other.getByRole('textbox', { name: 'Password' }).fill(ACCOUNT.password);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await other
        .getByRole('grid', { name: 'Messages' })
        .getByRole('row')
        .filter({ hasText: HELLO_SUBJECT })
        .waitFor({ timeout: 30_000 });
    } finally {
      await fresh.close();
    }
    await eventually(async () => (await fetch(new URL('healthz', gateway.url))).ok);
  });
});
