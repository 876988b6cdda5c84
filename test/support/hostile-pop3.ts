// Hostile POP3 upstreams for end-to-end tests: the embedded demo server with
// scripted faults (the hostile-server cases of test/support/hostile-pop3.ts), TLS stubs with bad
// certificates or old protocol versions, and a gateway configured with all of
// them at once (CONFIG_FILE SERVERS), so one page can pick each in turn.
// Knows nothing of the browser or of what the app should show.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pop3Command } from '../../shared/pop3/command.ts';
import {
  startDemoServer,
  type DemoFaultAction,
  type DemoMessage,
  type DemoServerOptions,
} from '../../server/demo/index.ts';
import { startAppGateway, type AppGateway } from './app-server.ts';
import { startPop3Stub, testCerts } from './tls-stub.ts';

/** The one account every upstream here knows. */
export const ACCOUNT = { name: 'alice', password: 'wonderland-1' };

export const HELLO_SUBJECT = 'Hello from a hostile server';
export const DOTS_SUBJECT = 'Lines that start with a dot';
/** Body lines of the dots message: RFC 1939 §3 byte-stuffs each of them on the wire. */
export const DOT_LINES = ['.', '..', '.hidden', 'after the dots'];

function message(subject: string, body: readonly string[], day: number): Uint8Array {
  const text = [
    'From: Sender <sender@example.test>',
    'To: alice@example.test',
    `Subject: ${subject}`,
    `Date: Mon, 0${day} Mar 2026 10:00:00 +0000`,
    `Message-ID: <hostile-${day}@example.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    ...body,
    '',
  ].join('\r\n');
  return new TextEncoder().encode(text);
}

/** Two small messages; the second holds lines a naive dot-unstuffer gets wrong. */
export function hostileMailbox(): DemoMessage[] {
  return [
    { uidl: 'hello-1', bytes: message(HELLO_SUBJECT, ['Nothing to see here.'], 1) },
    { uidl: 'dots-2', bytes: message(DOTS_SUBJECT, DOT_LINES, 2) },
  ];
}

/** The dots message as RETR's multi-line reply, stuffed by hand (RFC 1939 §3), without the terminator. */
export function stuffedDotsReply(): string {
  const bytes = hostileMailbox()[1]!.bytes;
  const lines = new TextDecoder().decode(bytes).split('\r\n').slice(0, -1);
  return `+OK ${bytes.length} octets\r\n${lines.map((line) => (line.startsWith('.') ? `.${line}` : line)).join('\r\n')}`;
}

/** A CAPA reply like the demo server's, plus `extra` capability lines. */
export function capaReply(extra: readonly string[] = [], pipelining = true): string {
  const lines = ['TOP', 'UIDL', 'USER', 'SASL PLAIN LOGIN', 'RESP-CODES', 'AUTH-RESP-CODE'];
  if (pipelining) lines.push('PIPELINING');
  return `+OK capability list follows\r\n${[...lines, ...extra].join('\r\n')}\r\n.\r\n`;
}

/** An onCommand hook answering `verb` with `action` and every other command normally. */
export function replyTo(
  verbs: Partial<
    Record<Pop3Command['verb'], DemoFaultAction | ((command: Pop3Command) => DemoFaultAction)>
  >,
): NonNullable<NonNullable<DemoServerOptions['faults']>['onCommand']> {
  return (command) => {
    const action = verbs[command.verb];
    return typeof action === 'function' ? action(command) : action;
  };
}

/** A multi-line UIDL reply of the two messages with the given unique-ids (raw, may be hostile). */
export function uidlReply(first: string, second: string): Uint8Array {
  return new TextEncoder().encode(`+OK\r\n1 ${first}\r\n2 ${second}\r\n.\r\n`);
}

export type TlsFailure = 'self-signed' | 'expired' | 'wrong-name' | 'tls1.0';

export interface HostileUpstream {
  id: string;
  label: string;
  host: string;
  port: number;
  /** PEM of the CA the gateway trusts for this upstream. */
  ca: string;
  servername: string;
  /** Every command line the server received (secrets redacted). */
  lines(): readonly string[];
  close(): Promise<void>;
}

/** The demo server (sample mailbox replaced by hostileMailbox unless given) with faults. */
export async function startHostile(
  id: string,
  label: string,
  options: DemoServerOptions = {},
): Promise<HostileUpstream> {
  const server = await startDemoServer({
    users: [ACCOUNT],
    mailbox: hostileMailbox(),
    ...options,
  });
  return {
    id,
    label,
    host: server.host,
    port: server.port,
    ca: server.ca,
    servername: server.servername,
    lines: () => server.receivedLines,
    close: () => server.close(),
  };
}

/** A POP3S stub whose TLS the gateway must refuse; the gateway trusts the test CA. */
export async function startTlsFailure(
  id: string,
  label: string,
  failure: TlsFailure,
): Promise<HostileUpstream> {
  const certs = await testCerts();
  const cert = {
    'self-signed': certs.selfSigned,
    expired: certs.expired,
    'wrong-name': certs.wrongName,
    'tls1.0': certs.good,
  }[failure];
  const stub = await startPop3Stub({
    mode: 'implicit',
    cert,
    ...(failure === 'tls1.0' ? { maxVersion: 'TLSv1' as const } : {}),
  });
  return {
    id,
    label,
    host: stub.host,
    port: stub.port,
    ca: certs.ca.cert,
    servername: 'localhost',
    lines: () => stub.lines,
    close: () => stub.close(),
  };
}

/** The gateway of app-server.ts, but with every upstream listed in a CONFIG_FILE. */
export async function startMultiGateway(options: {
  upstreams: readonly HostileUpstream[];
  staticDir: string;
  env?: Record<string, string>;
}): Promise<AppGateway & { dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hostile-gateway-'));
  const servers = [];
  for (const upstream of options.upstreams) {
    const caFile = join(dir, `${upstream.id}.pem`);
    await writeFile(caFile, upstream.ca);
    servers.push({
      id: upstream.id,
      label: upstream.label,
      host: upstream.host,
      port: upstream.port,
      tls: 'implicit',
      caFile,
      servername: upstream.servername,
    });
  }
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({ SERVERS: servers }));
  const first = options.upstreams[0]!;
  const gateway = await startAppGateway({
    upstream: first,
    staticDir: options.staticDir,
    env: {
      CONFIG_FILE: configFile,
      // Empty values count as unset (config-reader.ts): the SERVERS list wins.
      POP3_HOST: '',
      POP3_PORT: '',
      POP3_CA_FILE: '',
      POP3_SERVERNAME: '',
      POP3_LABEL: '',
      ...options.env,
    },
  });
  return Object.assign(gateway, {
    async dispose() {
      await gateway.stop(0);
      await rm(dir, { recursive: true, force: true });
    },
  });
}
