// One POP3 session per mailbox across the browser's tabs: a second session of
// the same user would get -ERR [IN-USE] (RFC 2449 §8.1.1). Web Locks when the
// browser has them, else a BroadcastChannel handshake, else no coordination.

/** A lock this tab holds. `lost` resolves if another tab takes it over. */
export interface HeldLock {
  release: () => void;
  readonly lost: Promise<void>;
}

export interface TabLock {
  /** The lock for `name` if no other tab holds it; undefined when one does. */
  tryAcquire: (name: string) => Promise<HeldLock | undefined>;
  /** Take the lock from whichever tab holds it; that tab's `lost` resolves. */
  steal: (name: string) => Promise<HeldLock>;
}

/** The part of BroadcastChannel the fallback uses. */
export interface ChannelLike {
  postMessage: (message: unknown) => void;
  onmessage: ((event: MessageEvent) => void) | null;
}

export interface TabLockEnvironment {
  locks?: LockManager | undefined;
  createChannel?: ((name: string) => ChannelLike) | undefined;
  /** How long the fallback waits for a holder to answer. */
  answerWaitMs?: number;
}

const PREFIX = 'pop3-webmail:';

function heldLock(onRelease: () => void): HeldLock & { lose(): void } {
  let lose!: () => void;
  const lost = new Promise<void>((resolve) => (lose = resolve));
  return { release: onRelease, lost, lose };
}

function webLocks(locks: LockManager): TabLock {
  const request = (name: string, options: LockOptions): Promise<HeldLock | undefined> =>
    new Promise((resolve) => {
      let letGo!: () => void;
      const released = new Promise<void>((done) => (letGo = done));
      const held = heldLock(() => letGo());
      locks
        .request(PREFIX + name, options, async (lock) => {
          if (!lock) {
            resolve(undefined);
            return;
          }
          resolve(held);
          await released;
        })
        // Rejected with AbortError when another tab steals the lock.
        .catch(() => held.lose());
    });
  return {
    tryAcquire: (name) => request(name, { mode: 'exclusive', ifAvailable: true }),
    steal: async (name) => {
      const lock = await request(name, { mode: 'exclusive', steal: true });
      // Web Locks always grant a steal; only ifAvailable can come back empty.
      if (!lock) throw new TypeError('Web Locks did not grant a steal');
      return lock;
    },
  };
}

interface ChannelMessage {
  type: 'query' | 'held' | 'take';
  name: string;
  id: string;
}

function channelLocks(channel: ChannelLike, answerWaitMs: number): TabLock {
  const held = new Map<string, () => void>();
  const asking = new Map<string, () => void>();
  channel.onmessage = (event: MessageEvent) => {
    const message = event.data as Partial<ChannelMessage> | null;
    if (!message || typeof message.name !== 'string' || typeof message.id !== 'string') return;
    if (message.type === 'query' && held.has(message.name)) {
      channel.postMessage({ type: 'held', name: message.name, id: message.id });
    } else if (message.type === 'held') {
      asking.get(message.id)?.();
    } else if (message.type === 'take') {
      held.get(message.name)?.();
    }
  };
  const claim = (name: string): HeldLock => {
    const lock = heldLock(() => held.delete(name));
    held.set(name, () => {
      held.delete(name);
      lock.lose();
    });
    return lock;
  };
  const newId = (): string => Math.random().toString(36).slice(2);
  return {
    async tryAcquire(name) {
      const id = newId();
      const isHeldElsewhere = await new Promise<boolean>((resolve) => {
        asking.set(id, () => resolve(true));
        channel.postMessage({ type: 'query', name, id });
        setTimeout(() => resolve(false), answerWaitMs);
      });
      asking.delete(id);
      return isHeldElsewhere ? undefined : claim(name);
    },
    steal(name) {
      channel.postMessage({ type: 'take', name, id: newId() });
      return Promise.resolve(claim(name));
    },
  };
}

function noLocks(): TabLock {
  const acquire = (): Promise<HeldLock> => Promise.resolve(heldLock(() => undefined));
  return { tryAcquire: acquire, steal: acquire };
}

/** The best coordination this browser offers. */
export function createTabLock(environment: TabLockEnvironment): TabLock {
  if (environment.locks) return webLocks(environment.locks);
  if (environment.createChannel) {
    return channelLocks(
      environment.createChannel(`${PREFIX}locks`),
      environment.answerWaitMs ?? 150,
    );
  }
  return noLocks();
}
