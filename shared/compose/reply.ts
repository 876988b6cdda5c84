// Reply, reply all and forward: the draft each one starts from, derived from
// a message already read. Plain data in, plain data out; wording that the
// person reads (the attribution line, forward labels) comes from the caller.

import { toBinary } from '../mail/charset.ts';
import { headerBounds, headerFields } from '../mail/header-block.ts';
import { formatAddressInput } from './address-input.ts';
import type { Mailbox } from './header-fields.ts';
import type { Attachment } from './message.ts';

/** What the reader knows of the original message, already decoded. */
export interface OriginalMessage {
  subject: string;
  from: Mailbox | null;
  replyTo: readonly Mailbox[];
  to: readonly Mailbox[];
  cc: readonly Mailbox[];
  /** Its Message-ID, `<…>`, or null when it had none. */
  messageId: string | null;
  /** Its References msg-ids, oldest first. */
  references: readonly string[];
  /** Its date as the reader shows it, for the forwarded header block. */
  date: string;
  /** The text the reader shows. */
  text: string;
  /** The whole message as fetched, for forwarding as an attachment. */
  raw: Uint8Array;
}

/** The fields a reply or forward fills in; the composer adds From and the rest. */
export interface DerivedDraft {
  to: Mailbox[];
  cc: Mailbox[];
  subject: string;
  text: string;
  inReplyTo?: string;
  references?: string[];
  attachments?: Attachment[];
}

export interface ReplyOptions {
  /** "On 8 Dec 2026, Ann wrote:", localized by the caller. */
  attribution: string;
  /** The person's own addresses, left out of Reply all. */
  self: readonly string[];
}

// A reply prefix already there, in the spellings mailers use: Re, RE, Aw (German),
// Sv (Nordic), Antw (Dutch), 回复/回覆 (Chinese), with an ASCII or full-width colon.
const REPLY_PREFIX = /^\s*(?:re|aw|sv|antw|回复|回覆)\s*(?:\[\d+\])?\s*[:：]/i;
const FORWARD_PREFIX = /^\s*(?:fwd?|wg|tr|转发|轉寄)\s*[:：]/i;

/** `Re: ` once: a subject that already starts with a reply prefix keeps it as it is. */
export function replySubject(subject: string): string {
  return REPLY_PREFIX.test(subject) ? subject : `Re: ${subject}`;
}

/** `Fwd: ` once, the same way. */
export function forwardSubject(subject: string): string {
  return FORWARD_PREFIX.test(subject) ? subject : `Fwd: ${subject}`;
}

/** Each line under `> ` (RFC 3676 §4.5 quote marks; a quoted line gains one more `>`). */
export function quoteText(text: string): string {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines
    .map((line) => (line === '' ? '>' : line.startsWith('>') ? `>${line}` : `> ${line}`))
    .join('\n');
}

const THREAD_FIELDS = new Set(['message-id', 'references', 'in-reply-to']);
const MSG_IDS = /<[^<>\s]+>/g;
/** Enough of the header for the ids: they sit in the first fields. */
const MAX_THREAD_HEADER = 64 * 1024;

/**
 * The ids a reply threads on, from the original's raw bytes (RFC 5322
 * §3.6.4): its Message-ID, and its References, or its In-Reply-To when it
 * has no References, as §3.6.4 says a reply's References are built.
 */
export function threadIds(raw: Uint8Array): { messageId: string | null; references: string[] } {
  const text = toBinary(raw.subarray(0, MAX_THREAD_HEADER));
  const fields = headerFields(text, THREAD_FIELDS, 0, headerBounds(text).headerEnd);
  const ids = (name: string): string[] => fields.get(name)?.match(MSG_IDS) ?? [];
  const references = ids('references');
  return {
    messageId: ids('message-id')[0] ?? null,
    references: references.length > 0 ? references : ids('in-reply-to').slice(0, 1),
  };
}

/** RFC 5322 §3.6.4: the parent's References, then its Message-ID. */
function thread(original: OriginalMessage): Pick<DerivedDraft, 'inReplyTo' | 'references'> {
  if (!original.messageId) return {};
  const references = original.references.filter((id) => id !== original.messageId);
  return { inReplyTo: original.messageId, references: [...references, original.messageId] };
}

/** Mailboxes with the person's own addresses and repeats left out, first spelling kept. */
function without(mailboxes: readonly Mailbox[], exclude: Set<string>): Mailbox[] {
  const out: Mailbox[] = [];
  for (const mailbox of mailboxes) {
    const key = mailbox.address.toLowerCase();
    if (key === '' || exclude.has(key)) continue;
    exclude.add(key);
    out.push(mailbox);
  }
  return out;
}

/** RFC 5322 §3.6.2: Reply-To when the author set one, else From. */
function authors(original: OriginalMessage): readonly Mailbox[] {
  if (original.replyTo.length > 0) return original.replyTo;
  return original.from ? [original.from] : [];
}

function quoted(original: OriginalMessage, attribution: string): string {
  return `\n\n${attribution}\n${quoteText(original.text)}\n`;
}

/**
 * Reply to the author. Replying to one's own message goes to its
 * recipients instead, as mail clients do.
 */
export function deriveReply(original: OriginalMessage, options: ReplyOptions): DerivedDraft {
  const self = new Set(options.self.map((address) => address.toLowerCase()));
  let to = without(authors(original), new Set(self));
  if (to.length === 0) to = without(original.to, new Set(self));
  return {
    to,
    cc: [],
    subject: replySubject(original.subject),
    text: quoted(original, options.attribution),
    ...thread(original),
  };
}

/** Reply to the author and every recipient, each once, the person's own addresses left out. */
export function deriveReplyAll(original: OriginalMessage, options: ReplyOptions): DerivedDraft {
  const seen = new Set(options.self.map((address) => address.toLowerCase()));
  let to = without([...authors(original), ...original.to], seen);
  let cc = without(original.cc, seen);
  if (to.length === 0) [to, cc] = [cc, []];
  return {
    to,
    cc,
    subject: replySubject(original.subject),
    text: quoted(original, options.attribution),
    ...thread(original),
  };
}

export interface ForwardLabels {
  heading: string;
  from: string;
  date: string;
  subject: string;
  to: string;
  cc: string;
}

export const ENGLISH_FORWARD_LABELS: ForwardLabels = {
  heading: '---------- Forwarded message ---------',
  from: 'From',
  date: 'Date',
  subject: 'Subject',
  to: 'To',
  cc: 'Cc',
};

/** Forward inline: the original's headers as a block, then its text as it was. */
export function deriveForward(
  original: OriginalMessage,
  labels: ForwardLabels = ENGLISH_FORWARD_LABELS,
): DerivedDraft {
  const lines = [
    labels.heading,
    `${labels.from}: ${original.from ? formatAddressInput([original.from]) : ''}`,
    `${labels.date}: ${original.date}`,
    `${labels.subject}: ${original.subject}`,
    `${labels.to}: ${formatAddressInput(original.to)}`,
  ];
  if (original.cc.length > 0) lines.push(`${labels.cc}: ${formatAddressInput(original.cc)}`);
  const text = `\n\n${lines.join('\n')}\n\n${original.text}`;
  return { to: [], cc: [], subject: forwardSubject(original.subject), text };
}

/** A file name from the subject, without the characters file systems refuse. */
export function emlFilename(subject: string): string {
  const base = subject
    .replace(/[\\/:*?"<>|\p{Cc}]/gu, '_')
    .trim()
    .slice(0, 60)
    .trim();
  return `${base === '' ? 'message' : base}.eml`;
}

/** Forward as an attachment: the original .eml byte for byte, as message/rfc822 (RFC 2046 §5.2.1). */
export function deriveForwardAsAttachment(original: OriginalMessage): DerivedDraft {
  return {
    to: [],
    cc: [],
    subject: forwardSubject(original.subject),
    text: '',
    attachments: [
      {
        filename: emlFilename(original.subject),
        contentType: 'message/rfc822',
        content: original.raw,
      },
    ],
  };
}
