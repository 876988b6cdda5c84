// The reader store: RETR of the opened message with progress, then parsing in
// the MIME worker (through the reader module's parser, loaded lazily). A drop
// mid-download waits for the next session and tries again, once: a server that
// stalls on the same message twice gets an error, not an endless loop.

import { signal, type ReadonlySignal } from '@preact/signals';
import { Pop3Error, Pop3ReplyError, type Pop3Session } from '../../shared/pop3/index.ts';
import type { MessageParser, ParseResult } from '../reader/index.ts';
import type { MessageKey } from './messages-en.ts';
import type { MessageRow } from './message-rows.ts';

export type ReaderStatus = 'loading' | 'parsing' | 'ready' | 'waiting' | 'error';

export interface ReaderState {
  uidl: string;
  status: ReaderStatus;
  received: number;
  /** The size from LIST. */
  expected: number;
  result?: ParseResult;
  errorKey?: MessageKey;
}

export interface ReaderStoreDeps {
  mailbox: {
    listedSession: () => Pop3Session | undefined;
    row: (uidl: string) => MessageRow | undefined;
  };
  /** The MIME parser; imported on first use so postal-mime stays out of the first bundle. */
  loadParser: () => Promise<MessageParser>;
  /** Parsed messages kept for going back and forth. */
  keep?: number;
}

export interface ReaderStore {
  state: ReadonlySignal<ReaderState | undefined>;
  open: (uidl: string) => Promise<void>;
  close: () => void;
  /** A new session is listed: retry a message that was waiting for one. */
  resume: () => void;
}

const PROGRESS_STEP = 64 * 1024;

/** Build the reader store. */
export function createReaderStore(deps: ReaderStoreDeps): ReaderStore {
  const state = signal<ReaderState | undefined>(undefined);
  const recent = new Map<string, ParseResult>();
  const keep = deps.keep ?? 6;
  let token = 0;
  /** Consecutive timed-out downloads of one message. */
  let stalls = { uidl: '', count: 0 };

  const set = (mine: number, patch: Partial<ReaderState>): void => {
    if (mine === token && state.value) state.value = { ...state.value, ...patch };
  };

  function remember(uidl: string, result: ParseResult): void {
    recent.delete(uidl);
    recent.set(uidl, result);
    // Oldest first: a Map iterates in insertion order.
    for (const key of recent.keys()) {
      if (recent.size <= keep) break;
      recent.delete(key);
    }
  }

  async function open(uidl: string): Promise<void> {
    const mine = ++token;
    const row = deps.mailbox.row(uidl);
    const known = recent.get(uidl);
    if (known && row) {
      state.value = {
        uidl,
        status: 'ready',
        received: row.size,
        expected: row.size,
        result: known,
      };
      return;
    }
    state.value = { uidl, status: 'loading', received: 0, expected: row?.size ?? 0 };
    if (!row) {
      set(mine, { status: 'error', errorKey: 'reader.gone' });
      return;
    }
    // Only a session whose listing gave `row.msg` may be asked for it (numbers are per session).
    const session = deps.mailbox.listedSession();
    if (!session) {
      set(mine, { status: 'waiting' });
      return;
    }
    let bytes: Uint8Array;
    try {
      let reported = 0;
      bytes = await session.retr(row.msg, {
        expectedSize: row.size,
        onProgress(received) {
          if (received - reported < PROGRESS_STEP) return;
          reported = received;
          set(mine, { received });
        },
      });
    } catch (error) {
      if (error instanceof Pop3ReplyError) {
        set(mine, { status: 'error', errorKey: 'reader.failed' });
        return;
      }
      if (isTimeout(error)) {
        stalls = { uidl, count: stalls.uidl === uidl ? stalls.count + 1 : 1 };
        if (stalls.count >= 2) {
          set(mine, { status: 'error', errorKey: 'reader.stalled' });
          return;
        }
      }
      set(mine, { status: 'waiting' });
      return;
    }
    if (stalls.uidl === uidl) stalls = { uidl: '', count: 0 };
    set(mine, { status: 'parsing', received: bytes.length });
    try {
      const parser = await deps.loadParser();
      const result = await parser.parse(bytes);
      remember(uidl, result);
      set(mine, { status: 'ready', result });
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      set(mine, {
        status: 'error',
        errorKey: code === 'MIME_TOO_LARGE' ? 'reader.tooLarge' : 'reader.failed',
      });
    }
  }

  return {
    state,
    open,
    close() {
      token++;
      state.value = undefined;
    },
    resume() {
      const current = state.value;
      if (current?.status === 'waiting') void open(current.uidl);
    },
  };
}

/** A reply timeout, directly or as the reason the session closed under the command. */
function isTimeout(error: unknown): boolean {
  for (let at = error, depth = 0; at instanceof Error && depth < 4; depth++) {
    if (at instanceof Pop3Error && at.code === 'POP3_TIMEOUT') return true;
    at = at.cause;
  }
  return false;
}
