// The gateway in a process of its own (server/main.ts through tsx, with its probe)
// for the load and soak benchmarks: its JSON log goes to a file, not a pipe
// (pino writes synchronously, and a busy benchmark reading a pipe would stall
// the gateway), its CPU and memory are read from /proc, and its heap through
// the preloaded gateway-probe.ts. Knows nothing of POP3.

import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/ports.ts';
import type { HeapProbe } from './gateway-probe.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE = fileURLToPath(new URL('./gateway-probe.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** The upstream POP3S server the gateway relays to. */
export interface GatewayUpstream {
  host: string;
  port: number;
  ca: string;
  servername: string;
}

/** What /proc says about the gateway process now. */
export interface ProcSample {
  /** User + system CPU since the process started. */
  cpuSeconds: number;
  rss: number;
  /** The peak resident set so far (VmHWM). */
  peakRss: number;
  /**
   * Of the main thread (the event loop): seconds on a CPU, and seconds it was
   * runnable but waiting for one (/proc/<pid>/schedstat), i.e. starved by other load.
   */
  mainOnCpuSeconds: number;
  mainWaitingSeconds: number;
}

export interface GatewayProcess {
  pid: number;
  port: number;
  /** The configuration it was started with (its whole environment but PATH). */
  env: Record<string, string>;
  /** The URL a browser served by this gateway would open, and its Origin. */
  wsUrl: string;
  origin: string;
  proc(): ProcSample;
  /** The pop3gw_sessions_open gauge of its /metrics. */
  openSessions(): Promise<number>;
  /** Its /metrics text. */
  metrics(): Promise<string>;
  /** The live heap after a full collection (the process runs with --expose-gc). */
  heap(): Promise<HeapProbe>;
  /** Parse the JSON log written so far, line by line. */
  readLog(onLine: (line: GatewayLogLine) => void): Promise<void>;
  /** SIGTERM (graceful), SIGKILL after 20 s; removes the log directory. */
  stop(): Promise<void>;
}

/** One pino line of the gateway (server/logging.ts). */
export interface GatewayLogLine {
  event?: string;
  ip?: string;
  status?: number;
  reason?: string;
  closeCode?: number;
  closeReason?: string;
  errorCode?: string;
  durationMs?: number;
  bytesDown?: number;
  level?: number;
  msg?: string;
}

/** Start server/main.ts against `upstream` with `env` on top of the defaults below. */
export async function startGatewayProcess(
  upstream: GatewayUpstream,
  env: Record<string, string>,
): Promise<GatewayProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-gateway-'));
  const caFile = join(dir, 'ca.pem');
  const logFile = join(dir, 'gateway.log');
  await writeFile(caFile, upstream.ca);
  const port = await freePort();
  const config: Record<string, string> = {
    PORT: String(port),
    POP3_HOST: upstream.host,
    POP3_PORT: String(upstream.port),
    POP3_CA_FILE: caFile,
    POP3_SERVERNAME: upstream.servername,
    POP3_LABEL: 'Bench mail',
    STATIC_DIR: join(ROOT, 'dist/client'),
    LOG_LEVEL: 'info',
    METRICS_PORT: '0',
    ...env,
  };
  const out = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      PROBE,
      '--expose-gc',
      // BENCH_PROFILE=<dir>: a CPU profile of the gateway, written when it stops.
      ...(process.env.BENCH_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
        : []),
      'server/main.ts',
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', out, out, 'ipc'],
      env: { PATH: process.env.PATH ?? '', ...config },
    },
  );
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const log = await readFile(logFile, 'utf8');
    if (log.includes(`POP3 webmail at http://127.0.0.1:${port}/`)) break;
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by the exit handler while readFile is awaited
    if (hasExited || Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`the gateway did not start:\n${log.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid ?? 0;
  const metricsPort = /^Metrics at http:\/\/127\.0\.0\.1:(\d+)\//m.exec(
    await readFile(logFile, 'utf8'),
  )?.[1];
  const metrics = async (): Promise<string> =>
    (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return {
    pid,
    port,
    env: config,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    origin: `http://127.0.0.1:${port}`,
    proc: () => readProc(pid),
    metrics,
    async openSessions() {
      const text = await metrics();
      return Number(/^pop3gw_sessions_open (\d+)$/m.exec(text)?.[1] ?? NaN);
    },
    heap: () =>
      new Promise((resolve) => {
        child.once('message', (message) => resolve(message as HeapProbe));
        child.send('heap');
      }),
    async readLog(onLine) {
      const lines = createInterface({ input: createReadStream(logFile), crlfDelay: Infinity });
      for await (const line of lines) {
        if (line.startsWith('{')) onLine(JSON.parse(line) as GatewayLogLine);
      }
    },
    async stop() {
      if (!hasExited) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** CPU from /proc/<pid>/stat (utime + stime), memory from /proc/<pid>/status. */
export function readProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const [onCpu, waiting] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
  return {
    cpuSeconds: ticks / CLOCK_TICKS,
    rss: kib('VmRSS') * 1024,
    peakRss: kib('VmHWM') * 1024,
    mainOnCpuSeconds: (onCpu ?? NaN) / 1e9,
    mainWaitingSeconds: (waiting ?? NaN) / 1e9,
  };
}
