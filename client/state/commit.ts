// Owns a commit of pending deletions: in the session whose listing gave the
// numbers, DELE each due deletion after the check that its number still names
// its UIDL (pending-store.ts), QUIT (endSession), then "committed" (forgotten,
// rows gone) or "session lost" (due again, re-applied by the next session,
// RFC 1939 §6). Also the last commit before sign-out. Knows no sockets or views.

import type { Pop3Session } from '../../shared/pop3/index.ts';
import type { MailboxStore } from './mailbox-store.ts';
import type { PendingStore } from './pending-store.ts';
import { endSession, QUIT_TIMEOUT_MS } from './session-link.ts';
import type { CommitGate } from './session-store.ts';

export interface CommitDeps {
  sessions: CommitGate;
  pending: PendingStore;
  mailbox: Pick<MailboxStore, 'listedSession' | 'numberOf' | 'pause' | 'remove' | 'fillHeaders'>;
  now?: () => number;
  quitTimeoutMs?: number;
}

export interface Committer {
  /** DELE what is due, QUIT, open the next session. Called again mid-commit, it runs once more after. */
  commit: () => Promise<void>;
  /** QUIT and open a new session, to see new mail (POP3 lists a snapshot taken at login). */
  refresh: () => Promise<void>;
  /** Sign-out: wait out the Undo window, DELE what is due, QUIT for good. */
  finish: () => Promise<void>;
  /** Resolves when no commit is running. */
  idle: () => Promise<void>;
}

/** Build the committer over the session gate, pending deletions and the listing. */
export function createCommitter(deps: CommitDeps): Committer {
  const { sessions, pending, mailbox } = deps;
  const now = deps.now ?? Date.now;
  const quitTimeoutMs = deps.quitTimeoutMs ?? QUIT_TIMEOUT_MS;
  let running: Promise<void> | undefined;
  let isWanted = false;

  /** The ready session, if the rows' numbers come from its own listing. */
  function listed(): Pop3Session | undefined {
    const session = sessions.current();
    return session && mailbox.listedSession() === session ? session : undefined;
  }

  /** DELE every due deletion; undefined when the session dropped midway. */
  async function deleteDue(session: Pop3Session): Promise<string[] | undefined> {
    try {
      return (await pending.apply(session, mailbox.numberOf)).sent;
    } catch {
      // Dropped mid-DELE: nothing is deleted without QUIT. The next session re-applies.
      pending.sessionLost();
      return undefined;
    }
  }

  /** QUIT's answer decides: deleted on the server, or due again. */
  function settle(sent: readonly string[], isCommitted: boolean): void {
    if (!isCommitted) return pending.sessionLost();
    if (sent.length === 0) return;
    pending.committed(sent);
    mailbox.remove(sent);
  }

  /** QUIT the ready session, settle `sent` by its answer, then open the next one. */
  async function quitAndReopen(sent: readonly string[]): Promise<void> {
    const link = sessions.beginCommit();
    // Signed out or handed over meanwhile: no QUIT of ours, so nothing is known committed.
    if (!link) {
      pending.sessionLost();
      return;
    }
    // Settled before the next session opens, so that session sees what is still due.
    settle(sent, await endSession(link, quitTimeoutMs));
    sessions.reopen();
    await sessions.settled();
  }

  async function runCommit(): Promise<void> {
    // Numbers come from this session's own listing, or we wait for one.
    const session = listed();
    if (!session) return;
    mailbox.pause();
    const sent = await deleteDue(session);
    if (sent === undefined) return;
    if (sent.length === 0) return void mailbox.fillHeaders(session);
    await quitAndReopen(sent);
  }

  async function runRefresh(): Promise<void> {
    if (pending.hasDue()) return runCommit();
    mailbox.pause();
    await quitAndReopen([]);
  }

  /** One commit or refresh at a time; one asked for meanwhile runs after, if still due. */
  function serial(task: () => Promise<void>): Promise<void> {
    if (running) {
      isWanted = true;
      return running;
    }
    running = task().finally(() => {
      running = undefined;
      if (!isWanted) return;
      isWanted = false;
      if (pending.hasDue()) void serial(runCommit);
    });
    return running;
  }

  async function idle(): Promise<void> {
    while (running) await running;
  }

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

  return {
    commit: () => serial(runCommit),
    refresh: () => serial(runRefresh),
    async finish() {
      // The Undo window stays open until it ends; then the deletions go out with QUIT.
      const until = pending.waitingUntil();
      if (until !== undefined) await sleep(until - now());
      await idle();
      const session = pending.hasDue() ? listed() : undefined;
      const sent = (session && (await deleteDue(session))) ?? [];
      // Anything not confirmed stays stored and is applied (or found gone) at the next sign-in.
      settle(sent, await sessions.signOut());
    },
    idle,
  };
}
