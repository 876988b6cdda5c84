// Loopback source addresses for legitimate benchmark clients. The gateway
// limits each address (5 open sessions, 20 upgrades a minute); real users come
// from many addresses, so the load is spread over a fixed pool of 127.x.y.z
// (Linux answers on all of 127.0.0.0/8) and no address ever exceeds a limit.

const WINDOW_MS = 60_000;

export interface AddressPoolOptions {
  /** The first two octets, e.g. [127, 20]; addresses run from .0.1 up. */
  prefix: readonly [number, number];
  size: number;
  /**
   * Upgrades per address in any 60 s window. At most the gateway's
   * UPGRADES_PER_MINUTE: a token bucket of that capacity refilling at that
   * rate admits any sequence that stays under it in every window.
   */
  perMinute: number;
}

interface Entry {
  address: string;
  upgrades: number[];
}

/** Hands out addresses least recently used first; each is used by one session at a time. */
export class AddressPool {
  /** How often every free address had used its minute's share and a session had to wait. */
  waits = 0;
  private readonly free: Entry[] = [];
  private readonly busy = new Map<string, Entry>();

  constructor(private readonly options: AddressPoolOptions) {
    const [a, b] = options.prefix;
    for (let i = 1; i <= options.size; i++) {
      this.free.push({ address: `${a}.${b}.${i >> 8}.${i & 255}`, upgrades: [] });
    }
  }

  /** An address with room for one more upgrade now; waits while there is none. */
  async acquire(): Promise<string> {
    for (;;) {
      const now = Date.now();
      const index = this.free.findIndex((entry) => {
        entry.upgrades = entry.upgrades.filter((at) => at > now - WINDOW_MS);
        return entry.upgrades.length < this.options.perMinute;
      });
      const entry = index >= 0 ? this.free.splice(index, 1)[0] : undefined;
      if (entry) {
        entry.upgrades.push(now);
        this.busy.set(entry.address, entry);
        return entry.address;
      }
      this.waits += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The session from `address` has ended; the address goes to the back of the queue. */
  release(address: string): void {
    const entry = this.busy.get(address);
    if (!entry) return;
    this.busy.delete(address);
    this.free.push(entry);
  }
}
