// The mailbox store: rows by UIDL from UIDL + LIST, then list headers (TOP n 0)
// for the visible rows first, newest first, and the rest pipelined behind with
// progress. Headers come from the cache when it has them.

import { computed, signal, type ReadonlySignal, type Signal } from '@preact/signals';
import {
  isPseudoUidl,
  Pop3Error,
  Pop3ReplyError,
  pseudoUidl,
  type Pop3Session,
  type UidlEntry,
} from '../../shared/pop3/index.ts';
import { listHeaders, readMessageHeaders } from '../../shared/mail/index.ts';
import type { HeaderCache } from '../cache/header-cache.ts';
import { summarizeHeaders } from '../mail/header-summary.ts';
import { visibleRows, type MessageRow, type SortKey } from './message-rows.ts';
import type { ListHeader, SearchSources } from './search-match.ts';

export type { MessageRow, SortKey } from './message-rows.ts';

export interface LoadProgress {
  loaded: number;
  total: number;
  isLoading: boolean;
}

export interface MailboxStoreDeps {
  cache: HeaderCache;
  /** UIDLs to leave out of the view (pending deletions). */
  hidden: ReadonlySignal<ReadonlySet<string>>;
  /** Rows whose headers are fetched first when nothing is visible yet. */
  firstPage?: number;
  /** Largest pipelined batch of TOP commands. */
  maxBatch?: number;
  /** Delay before landed headers are shown, to render once per burst. */
  flushMs?: number;
  /** What a search looks in besides the headers (read inside the view's computed). */
  search?: SearchSources;
}

export interface MailboxStore {
  /** Every message in server order. */
  rows: ReadonlySignal<readonly MessageRow[]>;
  /** What the list shows: not pending deletion, filtered and sorted. */
  view: ReadonlySignal<readonly MessageRow[]>;
  progress: ReadonlySignal<LoadProgress>;
  /** STAT's count while the listing is on its way, for placeholder rows; then undefined. */
  announced: ReadonlySignal<number | undefined>;
  isListed: ReadonlySignal<boolean>;
  /** No UIDL: numbers cannot be checked before DELE, so nothing is deleted. */
  isReadOnly: ReadonlySignal<boolean>;
  query: Signal<string>;
  sort: Signal<SortKey>;
  /** Start reading the account's cached headers while the session is being opened. */
  prepare: (account: string) => void;
  /** UIDL and LIST on a new session; cached headers are applied at once. */
  list: (session: Pop3Session, account: string) => Promise<void>;
  /** TOP n 0 for rows without headers: visible rows first, then newest first. */
  fillHeaders: (session: Pop3Session) => Promise<void>;
  /** The list view reports which rows are on screen, to fetch those first. */
  setVisible: (uidls: readonly string[]) => void;
  /** Send no more header requests on this session (a QUIT is coming). */
  pause: () => void;
  /** The session the rows' numbers belong to, while it is open. */
  listedSession: () => Pop3Session | undefined;
  row: (uidl: string) => MessageRow | undefined;
  /** The message number of `uidl` in the current session. */
  numberOf: (uidl: string) => number | undefined;
  remove: (uidls: Iterable<string>) => void;
  reset: () => void;
  /** Settles once every header-cache write started so far has settled; never rejects. */
  saved: () => Promise<void>;
}

/** The row's summary, with To and Cc for search (the row itself shows neither). */
function listHeader(bytes: Uint8Array): ListHeader {
  const { to, cc } = readMessageHeaders(bytes);
  const recipients = [...to, ...cc]
    .map((mailbox) => `${mailbox.name} ${mailbox.address}`)
    .join(' ')
    .slice(0, 2000);
  return { ...summarizeHeaders(bytes), recipients };
}

function isClosing(error: unknown): boolean {
  return !(error instanceof Pop3ReplyError);
}

/** Build the mailbox store. */
export function createMailboxStore(deps: MailboxStoreDeps): MailboxStore {
  const firstPageSize = deps.firstPage ?? 60;
  const maxBatch = deps.maxBatch ?? 500;
  const flushMs = deps.flushMs ?? 80;
  const rows = signal<readonly MessageRow[]>([]);
  const progress = signal<LoadProgress>({ loaded: 0, total: 0, isLoading: false });
  const isListed = signal(false);
  const isReadOnly = signal(false);
  const query = signal('');
  const sort = signal<SortKey>('arrival');
  const announced = signal<number | undefined>(undefined);
  const view = computed(() =>
    visibleRows(rows.value, deps.hidden.value, query.value, sort.value, deps.search),
  );
  const headers = new Map<string, ListHeader>();
  const failed = new Set<string>();
  let byUidl = new Map<string, MessageRow>();
  let account: string | undefined;
  let cached: Promise<Map<string, ListHeader>> | undefined;

  /** Switch to `who` (a new account starts empty) and read its cached headers once. */
  function loadCached(who: string): Promise<Map<string, ListHeader>> {
    if (who !== account) {
      store.reset();
      account = who;
    }
    return (cached ??= deps.cache.load(who));
  }
  let visible: readonly string[] = [];
  let listedFor: Pop3Session | undefined;
  let isFilling = false;
  let isPaused = false;
  let fillToken = 0;
  let landed = new Set<string>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  // Cache writes run behind the list (nobody waits for IndexedDB to draw rows); this is
  // what `saved()` hands to a caller who must know they landed (sign-out before it
  // deletes the database: a write landing after the delete would re-create it).
  let writes: Promise<void> = Promise.resolve();
  const track = (write: Promise<void>): void => {
    const settled = write.then(
      () => undefined,
      () => undefined,
    );
    writes = writes.then(() => settled);
  };

  const countLoaded = (): number => rows.value.reduce((n, row) => n + (row.header ? 1 : 0), 0);

  function flush(): void {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (landed.size === 0) return;
    const changed = landed;
    landed = new Set();
    rows.value = rows.value.map((row) => {
      if (!changed.has(row.uidl)) return row;
      const next = { ...row, header: headers.get(row.uidl) };
      byUidl.set(row.uidl, next);
      return next;
    });
    progress.value = { ...progress.value, loaded: countLoaded() };
  }

  function land(uidl: string, header: ListHeader): void {
    headers.set(uidl, header);
    landed.add(uidl);
    flushTimer ??= setTimeout(flush, flushMs);
  }

  function setRows(next: MessageRow[]): void {
    rows.value = next;
    byUidl = new Map(next.map((row) => [row.uidl, row]));
    progress.value = { loaded: countLoaded(), total: next.length, isLoading: false };
  }

  const needsHeader = (row: MessageRow | undefined): row is MessageRow =>
    row !== undefined && !row.header && !headers.has(row.uidl) && !failed.has(row.uidl);

  function nextBatch(hasTop: boolean, size: number): MessageRow[] {
    const onScreen = visible.map((uidl) => byUidl.get(uidl)).filter(needsHeader);
    if (onScreen.length > 0) return onScreen.slice(0, maxBatch);
    // Without TOP a header costs a whole RETR: fetch only what is on screen.
    if (!hasTop) return [];
    const batch: MessageRow[] = [];
    const all = rows.value;
    for (let i = all.length - 1; i >= 0 && batch.length < size; i--) {
      const row = all[i];
      if (needsHeader(row)) batch.push(row);
    }
    return batch;
  }

  async function fetchBatch(session: Pop3Session, batch: readonly MessageRow[]): Promise<boolean> {
    const fresh: [string, ListHeader][] = [];
    let isBroken = false;
    await Promise.all(
      batch.map(async (row) => {
        try {
          const header = listHeader(await listHeaders(session, row.msg));
          land(row.uidl, header);
          fresh.push([row.uidl, header]);
        } catch (error) {
          if (isClosing(error)) isBroken = true;
          else failed.add(row.uidl); // one odd message must not stall the list
        }
      }),
    );
    flush();
    if (account !== undefined && !isReadOnly.value) track(deps.cache.save(account, fresh));
    return !isBroken;
  }

  const store: MailboxStore = {
    rows,
    view,
    progress,
    announced,
    isListed,
    isReadOnly,
    query,
    sort,
    prepare(who) {
      void loadCached(who);
    },
    async list(session, who) {
      const loading = loadCached(who);
      isPaused = false;
      // STAT and LIST leave at once: drawing the inbox while the cache is read
      // must not delay them. STAT's one line names the newest messages, so a
      // cold start asks for their headers without waiting for the whole LIST;
      // a STAT that fails or lies costs nothing (LIST decides the rows).
      const counted = session.stat().then(
        ({ count }) => {
          if (!isListed.value) announced.value = count;
          return count;
        },
        () => undefined,
      );
      const listed = session.list();
      listed.catch(() => undefined); // awaited below
      const cachedHeaders = await loading;
      // The pre-login CAPA says what exists (without CAPA we try); the
      // post-login one (RFC 2449 §5) rides along for fillHeaders.
      const known = session.knownCapabilities;
      const canUidl = !known?.isKnown || known.hasUidl;
      const hasTop = !known?.isKnown || known.hasTop;
      const isFirstView = visible.length === 0 && query.value === '' && sort.value === 'arrival';
      // A cold start: LIST first, then the newest page's headers ahead of
      // UIDL, so the first rows are drawn once, with their headers. Only with
      // PIPELINING: one at a time, those TOPs would hold the listing back.
      const isColdStart =
        isFirstView && hasTop && canUidl && session.isPipelining && cachedHeaders.size === 0;
      const askUidl = (): Promise<UidlEntry[] | undefined> => {
        const reply = canUidl
          ? session.uidl().catch((error: unknown) => {
              if (error instanceof Pop3ReplyError) return undefined; // RFC 1939: UIDL is optional
              // docs/security.md #36: empty, duplicate or malformed unique-ids make
              // the mailbox UID-unreliable: rows by number, no cache, no delete.
              if (error instanceof Pop3Error && error.code === 'POP3_BAD_LISTING') return undefined;
              throw error;
            })
          : Promise.resolve(undefined);
        reply.catch(() => undefined); // awaited below, unless LIST fails first
        return reply;
      };
      const caps = session.capabilities();
      caps.catch(() => undefined);
      let uidlReply = isColdStart ? undefined : askUidl();
      let firstPage: Array<[number, Promise<Uint8Array>]> = [];
      const askFirstPage = (msgs: number[]): void => {
        firstPage = msgs.map((msg) => [msg, listHeaders(session, msg)]);
        for (const [, reply] of firstPage) reply.catch(() => undefined);
        uidlReply = askUidl();
      };
      const count = isColdStart ? await counted : undefined;
      if (count !== undefined && count > 0) {
        const newest = Math.min(count, firstPageSize);
        askFirstPage(Array.from({ length: newest }, (_, i) => count - i));
      }
      const listing = await listed;
      if (isColdStart && uidlReply === undefined) {
        askFirstPage(
          listing
            .slice(-firstPageSize)
            .reverse()
            .map(({ msg }) => msg),
        );
      }
      const uidls = await uidlReply;
      await caps;
      isReadOnly.value = uidls === undefined;
      const byMsg = new Map((uidls ?? []).map((entry) => [entry.msg, entry.uidl]));
      if (uidls) {
        for (const [uidl, header] of cachedHeaders)
          if (!headers.has(uidl)) headers.set(uidl, header);
      } else {
        headers.clear(); // `#n` keys change meaning from one session to the next
      }
      // Those headers were answered before UIDL: in place before the first draw.
      const fresh: [string, ListHeader][] = [];
      for (const [msg, reply] of firstPage) {
        const uidl = byMsg.get(msg);
        try {
          const header = listHeader(await reply);
          if (uidl === undefined) continue;
          headers.set(uidl, header);
          fresh.push([uidl, header]);
        } catch {
          // Left for fillHeaders, which marks what keeps failing.
        }
      }
      failed.clear();
      setRows(
        listing.map(({ msg, size }) => {
          const uidl = byMsg.get(msg) ?? pseudoUidl(msg);
          return { uidl, msg, size, header: headers.get(uidl) };
        }),
      );
      listedFor = session;
      isListed.value = true;
      announced.value = undefined;
      if (uidls) {
        const saving = deps.cache.retain(who, new Set(byMsg.values()));
        track(fresh.length > 0 ? saving.then(() => deps.cache.save(who, fresh)) : saving);
      }
    },
    async fillHeaders(session) {
      const token = ++fillToken;
      isPaused = false;
      isFilling = true;
      progress.value = { ...progress.value, isLoading: true };
      let size = firstPageSize;
      try {
        const caps = await session.capabilities();
        while (token === fillToken && session.state === 'transaction') {
          const batch = nextBatch(caps.hasTop, size);
          if (batch.length === 0) break;
          if (!(await fetchBatch(session, batch))) break;
          size = Math.min(maxBatch, size * 2);
        }
      } catch {
        // The session ended (callers fire and forget): the next session fills on.
      } finally {
        if (token === fillToken) {
          isFilling = false;
          progress.value = { ...progress.value, isLoading: false };
        }
      }
    },
    setVisible(uidls) {
      visible = uidls;
      // Scrolled to rows without headers after the fill ended (or a server without TOP).
      const session = listedFor;
      if (isFilling || isPaused || session?.state !== 'transaction') return;
      if (uidls.some((uidl) => needsHeader(byUidl.get(uidl)))) void store.fillHeaders(session);
    },
    pause() {
      isPaused = true;
      isFilling = false;
      fillToken++;
      progress.value = { ...progress.value, isLoading: false };
    },
    listedSession: () => (listedFor?.state === 'transaction' ? listedFor : undefined),
    row: (uidl) => byUidl.get(uidl),
    numberOf: (uidl) => (isPseudoUidl(uidl) ? undefined : byUidl.get(uidl)?.msg),
    remove(uidls) {
      const gone = new Set(uidls);
      setRows(rows.value.filter((row) => !gone.has(row.uidl)));
    },
    reset() {
      fillToken++;
      clearTimeout(flushTimer);
      flushTimer = undefined;
      landed = new Set();
      headers.clear();
      failed.clear();
      account = undefined;
      cached = undefined;
      listedFor = undefined;
      visible = [];
      isListed.value = false;
      announced.value = undefined;
      isReadOnly.value = false;
      isFilling = false;
      query.value = '';
      setRows([]);
    },
    saved: () => writes,
  };
  return store;
}
