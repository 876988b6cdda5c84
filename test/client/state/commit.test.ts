// The commit on its own, over a real pending store and a fake session gate:
// DELE only in the session whose listing gave the numbers, QUIT through
// endSession, pending settled by QUIT's answer before the next session
// opens, and every way it can end short (a drop, no answer, a hand-over).

import { describe, expect, it, vi } from 'vitest';
import type { PendingDeletion } from '../../../client/cache/database.ts';
import { createCommitter } from '../../../client/state/commit.ts';
import { createPendingStore } from '../../../client/state/pending-store.ts';
import type { Pop3Link } from '../../../client/state/pop3-link.ts';
import type { CommitGate } from '../../../client/state/session-store.ts';
import { Pop3Error, type Pop3Session } from '../../../shared/pop3/index.ts';

const NUMBERS: Record<string, number> = { u1: 1, u2: 2, u3: 3 };

interface WorldOptions {
  stored?: PendingDeletion[];
  /** What QUIT does; answered +OK by default. */
  quit?: () => Promise<unknown>;
  /** DELE of this UIDL finds the session dropped. */
  dropAt?: string;
  /** No ready session to QUIT by then (signed out, handed over). */
  isTaken?: boolean;
  isListed?: boolean;
}

async function world(options: WorldOptions = {}) {
  const log: string[] = [];
  const session = {
    dele: vi.fn((msg: number, uidl: string) => {
      log.push(`DELE ${msg}`);
      if (uidl === options.dropAt) return Promise.reject(new Pop3Error('POP3_CLOSED', 'closed'));
      return Promise.resolve();
    }),
  } as unknown as Pop3Session;
  const link = {
    session,
    isApopIgnored: false,
    ended: new Promise(() => undefined),
    quit: vi.fn(() => {
      log.push('QUIT');
      return options.quit?.() ?? Promise.resolve();
    }),
    close: vi.fn(() => log.push('close')),
  } satisfies Pop3Link;
  const pending = createPendingStore({
    storage: {
      load: () => Promise.resolve(options.stored ?? [{ uidl: 'u2', deadline: 0 }]),
      save: () => Promise.resolve(),
    },
  });
  await pending.restore('main/alice');
  const gate: CommitGate = {
    current: () => session,
    beginCommit: () => (options.isTaken ? undefined : link),
    reopen: vi.fn(() => {
      // The next session must see deletions already settled by QUIT's answer.
      log.push(`reopen with ${pending.entries.value.map((e) => `${e.uidl}:${e.state}`).join()}`);
    }),
    settled: () => Promise.resolve(),
    signOut: vi.fn(() => {
      log.push('sign-out QUIT');
      return Promise.resolve(true);
    }),
  };
  const mailbox = {
    listedSession: () => (options.isListed === false ? undefined : session),
    numberOf: (uidl: string) => NUMBERS[uidl],
    pause: vi.fn(),
    remove: vi.fn(),
    fillHeaders: vi.fn(() => Promise.resolve()),
  };
  const committer = createCommitter({ sessions: gate, pending, mailbox, quitTimeoutMs: 50 });
  const states = () => pending.entries.value.map((entry) => `${entry.uidl}:${entry.state}`);
  return { committer, pending, mailbox, gate, link, log, states };
}

describe('commit', () => {
  it('DELE, QUIT, then "committed" before the next session opens', async () => {
    const { committer, log, mailbox, states } = await world();
    await committer.commit();
    expect(log).toEqual(['DELE 2', 'QUIT', 'close', 'reopen with ']);
    expect(mailbox.remove).toHaveBeenCalledWith(['u2']);
    expect(states()).toEqual([]);
  });

  it('waits for a session that listed the mailbox: numbers belong to one session', async () => {
    const { committer, log, states } = await world({ isListed: false });
    await committer.commit();
    expect(log).toEqual([]);
    expect(states()).toEqual(['u2:due']);
  });

  it('QUIT not answered +OK: "session lost", the deletion due again for the next session', async () => {
    const { committer, log, mailbox } = await world({
      quit: () => Promise.reject(new Pop3Error('POP3_CLOSED', 'closed')),
    });
    await committer.commit();
    expect(log).toEqual(['DELE 2', 'QUIT', 'close', 'reopen with u2:due']);
    expect(mailbox.remove).not.toHaveBeenCalled();
  });

  it('QUIT never answered: gives up after the timeout and treats it as lost', async () => {
    const { committer, log } = await world({ quit: () => new Promise(() => undefined) });
    await committer.commit();
    expect(log).toEqual(['DELE 2', 'QUIT', 'close', 'reopen with u2:due']);
  });

  it('a drop mid-DELE sends no QUIT and opens nothing: the session end reconnects', async () => {
    const { committer, log, states, gate } = await world({
      stored: [
        { uidl: 'u1', deadline: 0 },
        { uidl: 'u3', deadline: 0 },
      ],
      dropAt: 'u3',
    });
    await committer.commit();
    expect(log).toEqual(['DELE 1', 'DELE 3']);
    expect(states()).toEqual(['u1:due', 'u3:due']);
    expect(gate.reopen).not.toHaveBeenCalled();
  });

  it('the mailbox handed over mid-commit: no QUIT of ours, so nothing counts as committed', async () => {
    const { committer, log, states } = await world({ isTaken: true });
    await committer.commit();
    expect(log).toEqual(['DELE 2']);
    expect(states()).toEqual(['u2:due']);
  });

  it('nothing left to delete (gone already): no QUIT, headers go on filling', async () => {
    const { committer, log, mailbox } = await world({ stored: [{ uidl: 'gone', deadline: 0 }] });
    await committer.commit();
    expect(log).toEqual([]);
    expect(mailbox.fillHeaders).toHaveBeenCalledOnce();
  });

  it('asked again mid-commit, it runs once more after if something is still due', async () => {
    const { committer, pending, log } = await world();
    const first = committer.commit();
    void committer.commit();
    pending.add(['u3']);
    await first;
    await committer.idle();
    // u3 is in its Undo window: the second run found nothing due and sent nothing.
    expect(log.filter((line) => line.startsWith('DELE'))).toEqual(['DELE 2']);
  });

  it('refresh QUITs and reopens with nothing to delete', async () => {
    const { committer, log } = await world({ stored: [] });
    await committer.refresh();
    expect(log).toEqual(['QUIT', 'close', 'reopen with ']);
  });

  it('sign-out: DELE what is due, then the sign-out QUIT commits it', async () => {
    const { committer, log, states } = await world();
    await committer.finish();
    expect(log).toEqual(['DELE 2', 'sign-out QUIT']);
    expect(states()).toEqual([]);
  });
});
