// An in-memory POP3 peer for session tests: records each command line the
// session writes and answers from a script, asynchronously like a network.

import {
  Pop3Session,
  type Pop3SessionOptions,
  type Pop3Transport,
} from '../../shared/pop3/session.ts';
import { decode, encode } from './feed.ts';

export type Script = (line: string, peer: ScriptedPeer) => string | undefined;

export class ScriptedPeer implements Pop3Transport {
  readonly lines: string[] = [];
  readonly writes: string[] = [];
  isClosed = false;
  /** Replies not yet delivered: a measure of how many commands are in flight. */
  maxOutstanding = 0;
  private outstanding = 0;
  private partial = '';
  session!: Pop3Session;

  constructor(private readonly script: Script) {}

  write(bytes: Uint8Array): void {
    const text = decode(bytes);
    this.writes.push(text);
    const parts = (this.partial + text).split('\r\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      const reply = this.script(line, this);
      if (reply === undefined) continue;
      this.outstanding++;
      this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
      setTimeout(() => {
        this.outstanding--;
        this.send(reply);
      }, 0);
    }
  }

  close(): void {
    this.isClosed = true;
  }

  /** Deliver raw server bytes now. */
  send(text: string): void {
    this.session.receive(encode(text));
  }
}

/** A session wired to a scripted peer; the greeting is sent at once. */
export function scriptedSession(
  script: Script,
  options: Pop3SessionOptions & { greeting?: string } = {},
): { session: Pop3Session; peer: ScriptedPeer } {
  const peer = new ScriptedPeer(script);
  const session = new Pop3Session(peer, options);
  peer.session = session;
  peer.send(options.greeting ?? '+OK ready\r\n');
  return { session, peer };
}

/** A script from a table of exact lines to replies; anything else gets -ERR. */
export function table(entries: Record<string, string>): Script {
  return (line) => entries[line] ?? '-ERR unknown\r\n';
}
