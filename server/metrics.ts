// Gateway counters in the Prometheus text format (exposition format 0.0.4):
// open sessions, bytes each way, sessions ended by close code, upstream
// connect time, refused upgrades, failed logins. No labels from user input.

export interface Metrics {
  sessionOpened(): void;
  sessionClosed(code: number, reason: string): void;
  bytes(direction: 'up' | 'down', count: number): void;
  upstreamConnected(target: string, seconds: number): void;
  upgradeRefused(status: number, reason: string): void;
  authFailed(target: string): void;
  /** Log lines of refused upgrades left out by the log's rate limit. */
  logLinesDropped(count: number): void;
  readonly openSessions: number;
  render(): string;
}

const CONNECT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(values: Record<string, string | number>): string {
  const text = Object.entries(values)
    .map(([key, value]) => `${key}="${escape(String(value))}"`)
    .join(',');
  return text ? `{${text}}` : '';
}

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

export function createMetrics(): Metrics {
  let open = 0;
  let opened = 0;
  const bytes = { up: 0, down: 0 };
  const closed = new Map<string, { code: number; reason: string; count: number }>();
  const refused = new Map<string, { status: number; reason: string; count: number }>();
  const authFailures = new Map<string, number>();
  let dropped = 0;
  const connect = new Map<string, Histogram>();

  const bump = <T extends { count: number }>(map: Map<string, T>, key: string, fresh: T): void => {
    const entry = map.get(key) ?? fresh;
    entry.count += 1;
    map.set(key, entry);
  };

  return {
    get openSessions() {
      return open;
    },
    sessionOpened() {
      open += 1;
      opened += 1;
    },
    sessionClosed(code, reason) {
      open -= 1;
      bump(closed, `${code}`, { code, reason, count: 0 });
    },
    bytes(direction, count) {
      bytes[direction] += count;
    },
    upstreamConnected(target, seconds) {
      const histogram = connect.get(target) ?? {
        counts: CONNECT_BUCKETS.map(() => 0),
        sum: 0,
        count: 0,
      };
      CONNECT_BUCKETS.forEach((bound, index) => {
        if (seconds <= bound) histogram.counts[index] = (histogram.counts[index] ?? 0) + 1;
      });
      histogram.sum += seconds;
      histogram.count += 1;
      connect.set(target, histogram);
    },
    upgradeRefused(status, reason) {
      bump(refused, `${status} ${reason}`, { status, reason, count: 0 });
    },
    authFailed(target) {
      authFailures.set(target, (authFailures.get(target) ?? 0) + 1);
    },
    logLinesDropped(count) {
      dropped += count;
    },
    render() {
      const lines: string[] = [];
      const family = (name: string, type: string, help: string): void => {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      };
      family('pop3gw_sessions_open', 'gauge', 'WebSocket sessions open now.');
      lines.push(`pop3gw_sessions_open ${open}`);
      family('pop3gw_sessions_total', 'counter', 'Sessions accepted since start.');
      lines.push(`pop3gw_sessions_total ${opened}`);
      family('pop3gw_bytes_total', 'counter', 'POP3 bytes relayed (up: browser to server).');
      lines.push(`pop3gw_bytes_total${labels({ direction: 'up' })} ${bytes.up}`);
      lines.push(`pop3gw_bytes_total${labels({ direction: 'down' })} ${bytes.down}`);
      family('pop3gw_sessions_closed_total', 'counter', 'Sessions ended, by close code.');
      for (const { code, reason, count } of closed.values()) {
        lines.push(`pop3gw_sessions_closed_total${labels({ code, reason })} ${count}`);
      }
      family('pop3gw_upgrades_refused_total', 'counter', 'Upgrades refused, by HTTP status.');
      for (const { status, reason, count } of refused.values()) {
        lines.push(`pop3gw_upgrades_refused_total${labels({ status, reason })} ${count}`);
      }
      family('pop3gw_auth_failures_total', 'counter', 'Failed POP3 logins seen, by server id.');
      for (const [target, count] of authFailures) {
        lines.push(`pop3gw_auth_failures_total${labels({ target })} ${count}`);
      }
      family(
        'pop3gw_log_lines_dropped_total',
        'counter',
        'Refused-upgrade log lines rate-limited.',
      );
      lines.push(`pop3gw_log_lines_dropped_total ${dropped}`);
      family('pop3gw_upstream_connect_seconds', 'histogram', 'Time to a verified greeting.');
      for (const [target, histogram] of connect) {
        CONNECT_BUCKETS.forEach((bound, index) => {
          const le = labels({ target, le: bound });
          lines.push(`pop3gw_upstream_connect_seconds_bucket${le} ${histogram.counts[index]}`);
        });
        const inf = labels({ target, le: '+Inf' });
        lines.push(`pop3gw_upstream_connect_seconds_bucket${inf} ${histogram.count}`);
        lines.push(`pop3gw_upstream_connect_seconds_sum${labels({ target })} ${histogram.sum}`);
        lines.push(`pop3gw_upstream_connect_seconds_count${labels({ target })} ${histogram.count}`);
      }
      return `${lines.join('\n')}\n`;
    },
  };
}
