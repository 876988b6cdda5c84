// Printing for the load and soak benchmarks: latency tables, error
// breakdowns, what the hostile flood met, the gateway's own log in numbers,
// and PASS/FAIL lines against the targets. Formats; measures nothing.

import { loadavg } from 'node:os';
import { LIMIT_KEYS } from '../../server/config-keys.ts';
import { HOSTILE_ADDRESS } from './load-world.ts';
import type { GatewayLogLine, GatewayProcess } from './gateway-process.ts';
import type { FloodReport } from './hostile-flood.ts';
import { OPERATIONS, type LoadResult } from './pop3-load.ts';

export const MIB = 1024 * 1024;
const HEARTBEAT_MS = LIMIT_KEYS.find((key) => key.key === 'HEARTBEAT_MS')?.fallback ?? NaN;
/** A peer that never answers a ping is terminated at the second heartbeat after it fell silent. */
const SLOW_READER_BOUND_MS = 2 * HEARTBEAT_MS + 5000;

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

function counts(map: Iterable<[string, number]>, indent = '    '): string[] {
  const rows = [...map].sort((a, b) => b[1] - a[1]);
  return rows.length === 0 ? [`${indent}none`] : rows.map(([key, n]) => `${indent}${n} × ${key}`);
}

/** Sessions, throughput, the latency table and the errors of the legitimate clients. */
export function loadLines(result: LoadResult): string[] {
  const seconds = result.elapsedMs / 1000;
  const errors = [...result.errors.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `legitimate sessions: ${result.completed} completed in ${seconds.toFixed(0)} s` +
      ` (${(result.completed / seconds).toFixed(1)}/s), ${errors} errors,` +
      ` ${mib(result.retrBytes)} of RETR bodies`,
    '  latency (ms)     count      p50      p99      max',
  ];
  for (const op of OPERATIONS) {
    const sorted = [...result.latencies[op]].sort((a, b) => a - b);
    const cell = (value: number): string => value.toFixed(1).padStart(9);
    lines.push(
      `  ${op.padEnd(13)}${String(sorted.length).padStart(9)}${cell(percentile(sorted, 50))}` +
        `${cell(percentile(sorted, 99))}${cell(sorted.at(-1) ?? NaN)}`,
    );
  }
  lines.push('  errors by step and code:', ...counts(result.errors));
  return lines;
}

/** What each kind of hostile attempt met. */
export function floodLines(report: FloodReport): string[] {
  const lines = [`hostile flood from ${HOSTILE_ADDRESS}:`];
  for (const [kind, outcomes] of Object.entries(report)) {
    const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
    const shown = Object.entries(outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([outcome, n]) => `${n} × ${outcome}`);
    lines.push(`  ${kind.padEnd(20)} ${String(total).padStart(6)} attempts: ${shown.join(', ')}`);
  }
  return lines;
}

/** The gateway's own view, from its JSON log: closes, refusals, warnings, per source. */
export interface LogSummary {
  legitCloses: Map<string, number>;
  legitRefused: Map<string, number>;
  hostileCloses: Map<string, number>;
  hostileRefused: Map<string, number>;
  /** Sessions of the hostile address that ended unread (bytes down, duration). */
  slowReaders: { durationMs: number; bytesDown: number }[];
  warnings: Map<string, number>;
}

export async function summarizeLog(gateway: GatewayProcess): Promise<LogSummary> {
  const summary: LogSummary = {
    legitCloses: new Map(),
    legitRefused: new Map(),
    hostileCloses: new Map(),
    hostileRefused: new Map(),
    slowReaders: [],
    warnings: new Map(),
  };
  const bump = (map: Map<string, number>, key: string): void => {
    map.set(key, (map.get(key) ?? 0) + 1);
  };
  await gateway.readLog((line: GatewayLogLine) => {
    const isHostile = line.ip === HOSTILE_ADDRESS;
    if (line.event === 'session_close') {
      const key = `close ${line.closeCode} ${line.closeReason ?? ''}${line.errorCode ? ` ${line.errorCode}` : ''}`;
      bump(isHostile ? summary.hostileCloses : summary.legitCloses, key.trim());
      // The slow reader's RETR is the only hostile session that gets message bytes.
      if (isHostile && (line.bytesDown ?? 0) > 64 * 1024) {
        summary.slowReaders.push({
          durationMs: line.durationMs ?? 0,
          bytesDown: line.bytesDown ?? 0,
        });
      }
    } else if (line.event === 'upgrade_refused') {
      bump(
        isHostile ? summary.hostileRefused : summary.legitRefused,
        `HTTP ${line.status} ${line.reason}`,
      );
    } else if ((line.level ?? 0) >= 40) {
      bump(summary.warnings, `${line.event ?? ''} ${line.msg ?? ''}`.trim());
    }
  });
  return summary;
}

export function logLines(summary: LogSummary): string[] {
  const slow = summary.slowReaders;
  return [
    'gateway log, legitimate addresses:',
    '  sessions closed:',
    ...counts(summary.legitCloses),
    '  upgrades refused:',
    ...counts(summary.legitRefused),
    `gateway log, ${HOSTILE_ADDRESS}:`,
    '  upgrades refused:',
    ...counts(summary.hostileRefused),
    '  sessions closed:',
    ...counts(summary.hostileCloses),
    `  slow readers: ${slow.length}` +
      (slow.length
        ? `, gone after ${slow.map((s) => (s.durationMs / 1000).toFixed(0)).join(', ')} s, having` +
          ` relayed at most ${mib(Math.max(...slow.map((s) => s.bytesDown)))} of the 16 MiB message` +
          ' (the rest never left Dovecot: backpressure)'
        : ''),
    'gateway log, warnings and errors:',
    ...counts(summary.warnings),
  ];
}

/** The gateway's time to a verified Dovecot greeting (TCP + TLS + greeting), from its /metrics. */
export function upstreamConnectLine(metrics: string): string {
  const series = (name: string): [string, number][] =>
    [
      ...metrics.matchAll(
        new RegExp(`^pop3gw_upstream_connect_seconds_${name}(\\S*) (\\S+)$`, 'gm'),
      ),
    ].map((match) => [match[1] ?? '', Number(match[2])]);
  const count = series('count')[0]?.[1] ?? 0;
  const sum = series('sum')[0]?.[1] ?? 0;
  const shares = series('bucket')
    .map(([labels, n]) => [/le="([^"]+)"/.exec(labels)?.[1] ?? '', n] as const)
    .filter(([le]) => ['0.05', '0.25', '1', '5'].includes(le))
    .map(([le, n]) => `≤ ${Number(le) * 1000} ms ${((100 * n) / count).toFixed(0)}%`);
  return (
    `gateway → Dovecot connect (TCP + TLS + greeting), its /metrics: ${count} connects,` +
    ` mean ${((1000 * sum) / count).toFixed(0)} ms; ${shares.join(', ')}`
  );
}

/** One target: prints PASS/FAIL and returns whether it passed. */
export function verdict(isPass: boolean, text: string): boolean {
  console.log(`${isPass ? 'PASS' : 'FAIL'}  ${text}`);
  return isPass;
}

/** The checks both benchmarks make of the flood and the legitimate sessions. */
export function commonVerdicts(
  result: LoadResult,
  report: FloodReport,
  summary: LogSummary,
): boolean[] {
  const errors = [...result.errors.values()].reduce((a, b) => a + b, 0);
  const only = (kind: string, allowed: readonly string[]): boolean =>
    Object.keys(report[kind] ?? {}).every((outcome) => allowed.includes(outcome));
  const refusedLegit = [...summary.legitRefused.values()].reduce((a, b) => a + b, 0);
  return [
    verdict(result.completed > 0, `legitimate sessions completed: ${result.completed}`),
    verdict(errors === 0, `legitimate session errors: ${errors} (target 0)`),
    verdict(
      refusedLegit === 0,
      `legitimate upgrades refused by the gateway: ${refusedLegit} (target 0)`,
    ),
    verdict(only('bad Origin', ['HTTP 403']), 'every bad-Origin upgrade refused with 403'),
    verdict(
      only('bad key', ['HTTP 400', 'HTTP 429']),
      'every bad-key upgrade refused (400, or 429 once over the rate limit)',
    ),
    verdict(
      only('oversize frame', ['close 1009', 'HTTP 429']),
      'every oversize frame closed with 1009 (or its upgrade refused with 429)',
    ),
    verdict(
      summary.slowReaders.length > 0 &&
        summary.slowReaders.every((s) => s.durationMs <= SLOW_READER_BOUND_MS),
      `every slow reader gone within two heartbeats (≤ ${SLOW_READER_BOUND_MS / 1000} s),` +
        ' dropped by the gateway or let go by the flood',
    ),
  ];
}

/** The machine's load average now, for the header line of a run. */
export function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** How the gateway under test was started: its pid and every setting it was given. */
export function gatewayConfigLines(gateway: GatewayProcess): string {
  return (
    `gateway: server/main.ts, pid ${gateway.pid}; configuration:\n` +
    Object.entries(gateway.env)
      .map(([key, value]) => `  ${key}=${value}`)
      .join('\n') +
    '\n  (every other limit at its default: MAX_SESSIONS_PER_IP=5, UPGRADES_PER_MINUTE=20, …)'
  );
}
