// An in-memory SMTP server for session tests: records every write and each
// command line, answers from a script asynchronously like a network, and
// collects message data after a 354 up to CRLF.CRLF.

import { SmtpSession, type SmtpSessionOptions } from '../../../shared/smtp/session.ts';
import type { SmtpTransport } from '../../../shared/smtp/reply-queue.ts';
import { decode, encode } from '../../support/feed.ts';

/** Answers one command line; `undefined` sends nothing. */
export type SmtpScript = (line: string, server: FakeSmtpServer) => string | undefined;

export class FakeSmtpServer implements SmtpTransport {
  readonly writes: string[] = [];
  readonly lines: string[] = [];
  /** Each message's raw data, terminator included. */
  readonly messages: string[] = [];
  isClosed = false;
  /** Where replies go: the session, or a guard in front of it. */
  session!: Pick<SmtpSession, 'receive'>;
  /** The reply to the end of data. */
  onMessage: (data: string) => string = () => '250 2.0.0 Ok: queued as 4ABC\r\n';
  private buffer = '';
  private isData = false;

  constructor(private readonly script: SmtpScript) {}

  write(bytes: Uint8Array): void | Promise<void> {
    const text = decode(bytes);
    this.writes.push(text);
    this.buffer += text;
    for (;;) {
      if (this.isData) {
        const start = this.buffer.startsWith('.\r\n') ? 0 : this.buffer.indexOf('\r\n.\r\n');
        if (start < 0) return;
        const end = start === 0 && this.buffer.startsWith('.\r\n') ? 3 : start + 5;
        const data = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end);
        this.isData = false;
        this.messages.push(data);
        this.reply(this.onMessage(data));
        continue;
      }
      const lf = this.buffer.indexOf('\r\n');
      if (lf < 0) return;
      const line = this.buffer.slice(0, lf);
      this.buffer = this.buffer.slice(lf + 2);
      this.lines.push(line);
      const reply = this.script(line, this);
      if (line === 'DATA' && reply?.startsWith('354')) this.isData = true;
      if (reply !== undefined) this.reply(reply);
    }
  }

  close(): void {
    this.isClosed = true;
  }

  /** Deliver raw server bytes now. */
  send(text: string): void {
    this.session.receive(encode(text));
  }

  private reply(text: string): void {
    setTimeout(() => this.send(text), 0);
  }
}

export const EHLO_PIPELINED =
  '250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-AUTH PLAIN LOGIN\r\n' +
  '250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n';
export const EHLO_PLAIN = '250-mail.example.org\r\n250-SIZE 1000\r\n250 AUTH PLAIN LOGIN\r\n';

/** The usual answers; `extra` overrides or adds exact lines. */
export function submission(ehlo: string, extra: Record<string, string> = {}): SmtpScript {
  return (line) => {
    if (line in extra) return extra[line];
    if (line.startsWith('EHLO ')) return ehlo;
    if (line.startsWith('AUTH PLAIN ')) return '235 2.7.0 Authentication successful\r\n';
    if (line.startsWith('MAIL FROM:')) return '250 2.1.0 Ok\r\n';
    if (line.startsWith('RCPT TO:')) return '250 2.1.5 Ok\r\n';
    if (line === 'DATA') return '354 End data with <CR><LF>.<CR><LF>\r\n';
    if (line === 'RSET' || line === 'NOOP') return '250 2.0.0 Ok\r\n';
    if (line === 'QUIT') return '221 2.0.0 Bye\r\n';
    return '502 5.5.2 Error: command not recognized\r\n';
  };
}

/** A session wired to a fake server; the greeting is sent at once. */
export function fakeSession(
  script: SmtpScript,
  options: SmtpSessionOptions & { greeting?: string } = {},
): { session: SmtpSession; server: FakeSmtpServer } {
  const server = new FakeSmtpServer(script);
  const session = new SmtpSession(server, options);
  server.session = session;
  server.send(options.greeting ?? '220 mail.example.org ESMTP\r\n');
  return { session, server };
}
