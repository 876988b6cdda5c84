// The app behind a real nginx running the shipped deploy/nginx/webmail.conf,
// TLS terminated by nginx, in front of real gateway processes (server/main.ts)
// and a private Dovecot: the app at / and at /mail/ in Chromium, the client
// address behind the proxy (trusted or not, forged headers included), and two
// gateways behind one upstream, one stopped by SIGTERM with a deletion pending.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { builtClient, type BuiltClient, type Upstream } from '../../support/app-server.ts';
import { launchChromium } from '../../support/browser.ts';
import type { DovecotSlot } from '../../support/dovecot.ts';
import { dovecotForFile } from '../../support/shared-dovecot.ts';
import { startNginx, type Nginx } from '../../support/nginx.ts';
import { freePort } from '../../support/ports.ts';
import {
  launchPinnedChromium,
  startGatewayProcess,
  verifiedSpkiHash,
  type GatewayProcess,
  type LogLine,
} from '../../support/proxy-world.ts';
import { eventually, mailboxIds, plainMessage, signInAt } from '../app/app-session.ts';
import { closeBridge, openBridge, type BridgeAttempt } from './proxy-session.ts';

const SUBJECTS = [
  'Budget for April',
  'Offsite agenda',
  'Release notes v2',
  'Lunch order',
  'Printer fixed',
  'Team photo',
];
const idOf = (n: number): string => `<plain-${n}@example.test>`;

let dovecot: DovecotSlot;
let client: BuiltClient;
let upstream: Upstream;
/** Everything a describe block started, stopped in reverse order. */
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  client = builtClient();
  dovecot = await dovecotForFile();
  await dovecot.addMessages(
    'alice',
    SUBJECTS.map((subject, i) => plainMessage(i + 1, subject)),
  );
  upstream = {
    host: dovecot.host,
    port: dovecot.implicitPort,
    ca: dovecot.ca,
    servername: dovecot.servername,
  };
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  await dovecot?.stop();
});

/**
 * nginx on `basePath` in front of `count` gateway processes configured for it:
 * nginx's origin allowed, and the Host nginx sends (`$host`: the name without
 * the port) accepted.
 */
async function startSite(
  count: number,
  basePath: '/' | '/mail/',
  env: Record<string, string> = {},
): Promise<{ nginx: Nginx; gateways: GatewayProcess[] }> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const nginx = await startNginx({ gateways: ports, basePath });
  cleanups.push(() => nginx.stop());
  const gateways = await Promise.all(
    ports.map((port) =>
      startGatewayProcess({
        upstream,
        staticDir: client.dir,
        env: {
          PORT: String(port),
          BASE_PATH: basePath,
          // Only the public origin: the accepted Host follows from it.
          ALLOWED_ORIGINS: nginx.origin,
          ...env,
        },
      }),
    ),
  );
  for (const gateway of gateways) cleanups.push(() => gateway.terminate());
  return { nginx, gateways };
}

async function pinnedBrowser(nginx: Nginx): Promise<Browser> {
  const browser = await launchPinnedChromium([await verifiedSpkiHash(nginx.port, nginx.ca)]);
  cleanups.push(() => browser.close());
  return browser;
}

describe.each(['/', '/mail/'] as const)('the app through nginx at %s', (basePath) => {
  let nginx: Nginx;
  let gateway: GatewayProcess;
  let browser: Browser;

  beforeAll(async () => {
    const site = await startSite(1, basePath);
    nginx = site.nginx;
    gateway = site.gateways[0] as GatewayProcess;
    browser = await pinnedBrowser(nginx);
  }, 60_000);

  it('is trusted by a browser pinned to the verified key of nginx, and by no other', async () => {
    const unpinned = await launchChromium();
    try {
      const page = await unpinned.newPage();
      await expect(page.goto(nginx.url)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await unpinned.close();
    }
    const page = await browser.newPage();
    expect((await page.goto(nginx.url))?.status()).toBe(200);
    await page.close();
  });

  it('signs in, lists, reads, and deletes exactly the message picked', async () => {
    const before = await mailboxIds(dovecot);
    const app = await signInAt(browser, nginx.url);
    await eventually(async () => (await app.rowCount()) === String(before.length));
    await expect(app.grid.getByRole('row').count()).resolves.toBe(before.length);
    for (const [index, subject] of SUBJECTS.entries()) {
      const isThere = before.includes(idOf(index + 1));
      await expect(app.row(subject).count()).resolves.toBe(isThere ? 1 : 0);
    }
    // The socket goes to nginx, over TLS, under the base path.
    expect(app.sockets).toEqual([`wss://localhost:${nginx.port}${basePath}ws`]);

    await app.row('Release notes v2').click();
    await app.page.getByText('Body of message 3.').waitFor();
    await app.page.getByRole('button', { name: 'Back' }).click();

    const victim = basePath === '/' ? 1 : 4;
    await app.row(SUBJECTS[victim - 1] ?? '').click();
    await app.page.getByRole('button', { name: 'Delete' }).click();
    await eventually(async () => (await mailboxIds(dovecot)).length === before.length - 1);
    expect(await mailboxIds(dovecot)).toEqual(before.filter((id) => id !== idOf(victim)));
    await eventually(async () => (await app.rowCount()) === String(before.length - 1));
    await app.page.getByText('Connected').waitFor();
    // Sign-in, and the session after commit, while the page is still there to open it: the
    // gateway's log lines also come through a pipe, so the second may still be on its way.
    const opens = (): LogLine[] => gateway.logs().filter((line) => line.event === 'session_open');
    await eventually(() => Promise.resolve(opens().length >= 2));
    expect(app.errors).toEqual([]);
    await app.close();

    // nginx relayed the upgrade, and the gateway saw the client as nginx's peer.
    expect(await nginx.accessLog()).toMatch(new RegExp(`"GET ${basePath}ws HTTP/1.1" 101 `));
    expect(new Set(opens().map((line) => line.ip))).toEqual(new Set(['127.0.0.1']));
  });
});

describe('the client address behind nginx', () => {
  const sessions: BridgeAttempt[] = [];
  afterAll(() => Promise.all(sessions.map(closeBridge)));

  /** Two sessions from the same peer, each with another forged X-Forwarded-For. */
  async function twoForged(nginx: Nginx, localAddress: string): Promise<BridgeAttempt[]> {
    const first = await openBridge(nginx, { localAddress, forwardedFor: '203.0.113.1' });
    const second = await openBridge(nginx, { localAddress, forwardedFor: '203.0.113.2' });
    sessions.push(first, second);
    return [first, second];
  }

  it('without TRUST_PROXY ignores the header: a forged one does not dodge the per-address limit', async () => {
    const { nginx, gateways } = await startSite(1, '/', { MAX_SESSIONS_PER_IP: '1' });
    const [gateway] = gateways as [GatewayProcess];
    const [first, second] = await twoForged(nginx, '127.0.0.2');
    expect(first?.kind).toBe('opened');
    expect(second).toMatchObject({ kind: 'refused', status: 429 });
    // Every client is nginx's own address: the limit counts them together.
    const third = await openBridge(nginx, { localAddress: '127.0.0.3' });
    sessions.push(third);
    expect(third).toMatchObject({ kind: 'refused', status: 429 });
    await eventually(() =>
      Promise.resolve(gateway.logs().filter((l) => l.event === 'upgrade_refused').length === 2),
    );
    const logs = gateway.logs();
    expect(logs.filter((l) => l.event === 'session_open').map((l) => l.ip)).toEqual(['127.0.0.1']);
    expect(logs.filter((l) => l.event === 'upgrade_refused').map((l) => [l.ip, l.reason])).toEqual([
      ['127.0.0.1', 'per_ip'],
      ['127.0.0.1', 'per_ip'],
    ]);
  });

  it("with TRUST_PROXY set to nginx's address, limits and logs use the address nginx saw", async () => {
    const { nginx, gateways } = await startSite(1, '/', {
      MAX_SESSIONS_PER_IP: '1',
      TRUST_PROXY: '127.0.0.1',
    });
    const [gateway] = gateways as [GatewayProcess];
    const [first, second] = await twoForged(nginx, '127.0.0.2');
    expect(first?.kind).toBe('opened');
    // The forged entries sit left of the one nginx appended: never reached.
    expect(second).toMatchObject({ kind: 'refused', status: 429 });
    // Another client address has its own allowance.
    const other = await openBridge(nginx, { localAddress: '127.0.0.3' });
    sessions.push(other);
    expect(other.kind).toBe('opened');
    await eventually(() =>
      Promise.resolve(gateway.logs().filter((l) => l.event === 'session_open').length === 2),
    );
    const logs = gateway.logs();
    expect(logs.filter((l) => l.event === 'session_open').map((l) => l.ip)).toEqual([
      '127.0.0.2',
      '127.0.0.3',
    ]);
    expect(logs.filter((l) => l.event === 'upgrade_refused').map((l) => [l.ip, l.reason])).toEqual([
      ['127.0.0.2', 'per_ip'],
    ]);
  });

  it('refuses to start with a hop-count TRUST_PROXY, and says what to write instead', async () => {
    // A hop count believes any peer that connects directly (review finding 5).
    await expect(
      startGatewayProcess({ upstream, staticDir: client.dir, env: { TRUST_PROXY: '1' } }),
    ).rejects.toThrow(/TRUST_PROXY=loopback/);
  });

  it('with TRUST_PROXY=loopback, limits and logs use the address from X-Forwarded-For', async () => {
    const { nginx, gateways } = await startSite(1, '/', {
      MAX_SESSIONS_PER_IP: '1',
      TRUST_PROXY: 'loopback',
    });
    const [gateway] = gateways as [GatewayProcess];
    const fromTwo = await openBridge(nginx, { localAddress: '127.0.0.2' });
    const fromThree = await openBridge(nginx, { localAddress: '127.0.0.3' });
    const againTwo = await openBridge(nginx, { localAddress: '127.0.0.2' });
    sessions.push(fromTwo, fromThree, againTwo);
    expect([fromTwo.kind, fromThree.kind]).toEqual(['opened', 'opened']);
    expect(againTwo).toMatchObject({ kind: 'refused', status: 429 });
    await eventually(() =>
      Promise.resolve(gateway.logs().filter((l) => l.event === 'upgrade_refused').length === 1),
    );
    const logs = gateway.logs();
    expect(new Set(logs.filter((l) => l.event === 'session_open').map((l) => l.ip))).toEqual(
      new Set(['127.0.0.2', '127.0.0.3']),
    );
    expect(logs.find((l) => l.event === 'upgrade_refused')).toMatchObject({
      ip: '127.0.0.2',
      reason: 'per_ip',
    });
  });
});

describe('two gateways behind one nginx upstream', () => {
  let nginx: Nginx;
  let gateways: GatewayProcess[];
  let browser: Browser;

  beforeAll(async () => {
    ({ nginx, gateways } = await startSite(2, '/'));
    browser = await pinnedBrowser(nginx);
  }, 60_000);

  it('spreads sessions over both gateways', async () => {
    const attempts = [await openBridge(nginx), await openBridge(nginx)];
    try {
      expect(attempts.map((attempt) => attempt.kind)).toEqual(['opened', 'opened']);
      await expect(
        Promise.all(gateways.map((gateway) => gateway.metric('pop3gw_sessions_open'))),
      ).resolves.toEqual([1, 1]);
    } finally {
      await Promise.all(attempts.map(closeBridge));
    }
    await eventually(async () => {
      const open = await Promise.all(gateways.map((g) => g.metric('pop3gw_sessions_open')));
      return open.every((count) => count === 0);
    });
  });

  it('SIGTERM on the gateway holding a session with a deletion pending: the browser moves to the other and the deletion is applied once', async () => {
    const before = await mailboxIds(dovecot);
    const app = await signInAt(browser, nginx.url);
    await eventually(async () => (await app.rowCount()) === String(before.length));
    const open = await Promise.all(gateways.map((g) => g.metric('pop3gw_sessions_open')));
    expect([...open].sort()).toEqual([0, 1]);
    const victim = gateways[open.indexOf(1)] as GatewayProcess;
    const survivor = gateways[open.indexOf(0)] as GatewayProcess;
    const survivorSessions = await survivor.metric('pop3gw_sessions_total');

    await app.row('Printer fixed').click();
    await app.page.getByRole('button', { name: 'Delete' }).click();
    // Inside the Undo window: the deletion is pending, nothing sent yet.
    await app.page.getByRole('button', { name: 'Undo' }).waitFor();
    expect(await victim.terminate()).toBe(0);
    const closes = victim.logs().filter((line) => line.event === 'session_close');
    // The browser's session ended with going-away (4050), after the grace period.
    expect(closes.at(-1)).toMatchObject({
      user: 'alice',
      closeCode: 4050,
      errorCode: 'GATEWAY_GOING_AWAY',
    });
    expect(await mailboxIds(dovecot)).toEqual(before);

    await eventually(async () => (await mailboxIds(dovecot)).length === before.length - 1, 30_000);
    expect(await mailboxIds(dovecot)).toEqual(before.filter((id) => id !== idOf(5)));
    expect(await survivor.metric('pop3gw_sessions_total')).toBeGreaterThan(survivorSessions);
    await app.page.getByText('Connected').waitFor();
    await eventually(async () => (await app.rowCount()) === String(before.length - 1));
    // Once: the session after QUIT deletes nothing more. A DELE in it would land at its own
    // QUIT, so sign out and read the mailbox after the survivor logged that session's end.
    const ended = (): number =>
      survivor.logs().filter((line) => line.event === 'session_close').length;
    const endedBefore = ended();
    await app.page.getByRole('button', { name: 'Sign out' }).click();
    await eventually(() => Promise.resolve(ended() > endedBefore));
    expect(await mailboxIds(dovecot)).toEqual(before.filter((id) => id !== idOf(5)));
    expect(app.errors).toEqual([]);
    await app.close();
  }, 60_000);
});
