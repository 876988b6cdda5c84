// Users and mailboxes of one demo server instance: in memory, shared by its
// sessions, one lock per user (RFC 2449 §8.1.1 IN-USE), deletions only by commit().

/** An account on the demo server. */
export interface DemoUser {
  name: string;
  password: string;
}

/** One message in a demo mailbox. */
export interface DemoMessage {
  /** Unique id for UIDL: 1 to 70 characters from 0x21 to 0x7E (RFC 1939 §7). */
  uidl: string;
  /** The raw RFC 5322 message with CRLF line endings. */
  bytes: Uint8Array;
}

/** The fixed list every user starts with, or a function making a user's mailbox. */
export type DemoMailboxSource = DemoMessage[] | ((user: string) => DemoMessage[]);

/** The account shown on the sign-in page of the demo. */
export const DEMO_USER: DemoUser = Object.freeze({ name: 'demo', password: 'demo' });

const UIDL = /^[\x21-\x7e]{1,70}$/;

/** A description of the first problem in `messages`, or undefined when they are fine. */
export function checkMessages(messages: readonly DemoMessage[]): string | undefined {
  const seen = new Set<string>();
  for (const [index, message] of messages.entries()) {
    if (!UIDL.test(message.uidl)) {
      return `message ${index + 1}: uidl must be 1–70 characters from 0x21 to 0x7E`;
    }
    if (seen.has(message.uidl)) return `message ${index + 1}: uidl ${message.uidl} is not unique`;
    if (!(message.bytes instanceof Uint8Array)) return `message ${index + 1}: bytes is not bytes`;
    seen.add(message.uidl);
  }
  return undefined;
}

/** The maildrops of one server; sessions take a snapshot at login. */
export class MailboxStore {
  readonly #boxes = new Map<string, readonly DemoMessage[]>();
  readonly #locked = new Set<string>();

  constructor(private readonly make: (user: string) => readonly DemoMessage[]) {}

  /** The user's current messages; made on first use. */
  messages(user: string): readonly DemoMessage[] {
    let box = this.#boxes.get(user);
    if (!box) {
      box = [...this.make(user)];
      const problem = checkMessages(box);
      if (problem) throw new Error(`mailbox of ${user}: ${problem}`);
      this.#boxes.set(user, box);
    }
    return box;
  }

  /** Take the user's maildrop lock; false when another session holds it. */
  tryLock(user: string): boolean {
    if (this.#locked.has(user)) return false;
    this.#locked.add(user);
    return true;
  }

  unlock(user: string): void {
    this.#locked.delete(user);
  }

  /**
   * A message that arrived by the demo's submission server: last in the
   * mailbox, seen by the next session (a session keeps its snapshot).
   */
  deliver(user: string, bytes: Uint8Array): void {
    const uidl = `sent-${Date.now().toString(36)}-${(this.#delivered++).toString(36)}`;
    this.#boxes.set(user, [...this.messages(user), { uidl, bytes }]);
  }

  #delivered = 0;

  /** RFC 1939 §6: the UPDATE state removes the messages marked as deleted. */
  commit(user: string, deleted: ReadonlySet<DemoMessage>): void {
    if (deleted.size === 0) return;
    this.#boxes.set(
      user,
      this.messages(user).filter((message) => !deleted.has(message)),
    );
  }
}
