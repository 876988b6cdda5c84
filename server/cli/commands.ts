// The pop3 command's three actions over an open session: check, list, retr.
// Output goes to the writers it is given, so tests can read it.

import { listHeaders, readMessageHeaders, type Mailbox } from '../../shared/mail/index.ts';
import { Pop3ReplyError } from '../../shared/pop3/errors.ts';
import type { Pop3Session } from '../../shared/pop3/session.ts';
import type { Capabilities, Greeting } from '../../shared/pop3/replies.ts';
import type { UpstreamConnection } from '../upstream.ts';

export interface Output {
  write(text: string): void;
}

export interface MessageSummary {
  number: number;
  uidl: string | null;
  size: number;
  date: string | null;
  from: string | null;
  subject: string | null;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function capabilityNames(caps: Capabilities): string {
  if (!caps.isKnown) return '(the server does not answer CAPA)';
  return [...caps.raw.entries()].map(([name, args]) => [name, ...args].join(' ')).join(', ');
}

export interface CheckTimings {
  connectMs: number;
  loginMs: number;
  statMs: number;
}

/** `check`: what an administrator needs to know before configuring the gateway. */
export function printCheck(
  out: Output,
  facts: {
    target: string;
    connection: UpstreamConnection;
    greeting: Greeting;
    caps: Capabilities;
    mechanism: string;
    count: number;
    size: number;
    timings: CheckTimings;
  },
): void {
  const { connection, greeting, caps, timings } = facts;
  const rows: Array<[string, string]> = [
    [
      'Server',
      `${facts.target} (${connection.tls.protocol}, ${connection.tls.cipher}, certificate verified)`,
    ],
    ['Greeting', greeting.text],
    ['Capabilities', capabilityNames(caps)],
    ['Sign-in', facts.mechanism],
    ['Mailbox', `${facts.count} messages, ${formatSize(facts.size)}`],
    [
      'Timings',
      `connect+TLS+greeting ${timings.connectMs.toFixed(0)} ms, ` +
        `sign-in ${timings.loginMs.toFixed(0)} ms, STAT ${timings.statMs.toFixed(0)} ms`,
    ],
  ];
  if (greeting.hasInvalidTimestamp)
    rows.push(['Warning', 'APOP timestamp malformed; APOP disabled']);
  if (caps.loginDelaySeconds !== undefined)
    rows.push(['Login delay', `${caps.loginDelaySeconds} s`]);
  if (caps.expireDays !== undefined) rows.push(['Expire', `${caps.expireDays} (days)`]);
  if (!caps.hasUidl) rows.push(['Warning', 'no UIDL: the webmail will be read-only']);
  for (const [label, value] of rows) out.write(`${label.padEnd(13)} ${value}\n`);
}

/** Summaries of the newest `limit` messages (all without a limit), newest first. */
export async function summarize(session: Pop3Session, limit?: number): Promise<MessageSummary[]> {
  // One round trip for all three (RFC 2449 pipelining): the capabilities after
  // login, and UIDL asked for before knowing it exists (RFC 1939 §7 makes it
  // optional; a server without it answers -ERR, which costs nothing).
  const [, sizes, uidls] = await Promise.all([
    session.capabilities(),
    session.list(),
    session.uidl().catch((error: unknown) => {
      if (error instanceof Pop3ReplyError) return [];
      throw error;
    }),
  ]);
  const uidlOf = new Map(uidls.map((entry) => [entry.msg, entry.uidl]));
  const newest = [...sizes].sort((a, b) => b.msg - a.msg).slice(0, limit ?? sizes.length);
  // All header requests are queued at once (pipelined when the server allows), and
  // each block is decoded as it lands, while later replies are still on the wire.
  return Promise.all(
    newest.map(async (entry) => {
      // The shared fast header rule, the same the web list and the reader use: a full
      // MIME parse per header block (postal-mime) cost some ten times as much.
      const parsed = readMessageHeaders(await listHeaders(session, entry.msg));
      return {
        number: entry.msg,
        uidl: uidlOf.get(entry.msg) ?? null,
        size: entry.size,
        date: parsed.date === null ? null : new Date(parsed.date).toISOString(),
        from: parsed.from ? formatMailbox(parsed.from) : null,
        subject: parsed.subject === '' ? null : parsed.subject,
      };
    }),
  );
}

function formatMailbox(mailbox: Mailbox): string | null {
  if (mailbox.name) return `${mailbox.name} <${mailbox.address}>`;
  return mailbox.address || null;
}

// Control characters and bidi overrides: a hostile subject must not drive
// the terminal or reorder what the administrator reads.
const UNPRINTABLE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

function printable(text: string | null): string {
  return (text ?? '').replace(UNPRINTABLE, ' ');
}

const LINES_PER_WRITE = 1000;

export function printList(
  out: Output,
  summaries: readonly MessageSummary[],
  isJson: boolean,
): void {
  // Lines go out in batches: a write per line is 10,000 pipe writes for a
  // 10,000-message listing.
  let batch = '';
  const flush = (): void => {
    if (batch !== '') out.write(batch);
    batch = '';
  };
  for (const [index, summary] of summaries.entries()) {
    if (index % LINES_PER_WRITE === 0) flush();
    if (isJson) {
      batch += `${JSON.stringify(summary)}\n`;
      continue;
    }
    const cells = [
      String(summary.number).padStart(5),
      printable(summary.uidl ?? '-').padEnd(24),
      formatSize(summary.size).padStart(9),
      (summary.date ?? '-').padEnd(24),
      printable(summary.from ?? '-')
        .slice(0, 40)
        .padEnd(40),
      printable(summary.subject),
    ];
    batch += `${cells.join('  ')}\n`;
  }
  flush();
}
