// bench:list's whole-process comparison: `pop3 list --json` and the plain
// pipelined client (list-baseline.mjs) each run as a fresh process, start-up
// included, with their output read and counted. Prints nothing.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildServer, SERVER_OUT } from '../scripts/build-server.mjs';
import { fileURLToPath } from 'node:url';
import { median } from './support/pop3-bench.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ListProcessOptions {
  /** The port to reach Dovecot's POP3S through (the delay proxy). */
  port: number;
  caFile: string;
  user: string;
  password: string;
  /** How many messages the mailbox holds: each run must print one line per message. */
  messages: number;
  runs: number;
}

export interface ListProcessFigures {
  cliMs: number;
  plainMs: number;
  /** `pop3 --help`: the command's start-up alone. */
  cliStartMs: number;
  /** `node -e ''`: the floor every process pays. */
  nodeStartMs: number;
}

/** Runs a process to its end; resolves with its wall time and how many lines it printed. */
function timed(args: string[], password: string): Promise<{ ms: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, POP3_PASSWORD: password },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 0x0a) lines++;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms: performance.now() - started, lines });
    });
  });
}

export async function compareListProcesses(
  options: ListProcessOptions,
): Promise<ListProcessFigures> {
  const { port, caFile, user, password, messages, runs } = options;
  // The command as people run it: compiled (npm run pop3 runs dist/server/pop3.js).
  await buildServer();
  const compiled = join(SERVER_OUT, 'pop3.js');
  const cli = [
    compiled,
    'list',
    '--json',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--servername',
    'localhost',
    '--ca',
    caFile,
    '--user',
    user,
  ];
  const plain = ['bench/list-baseline.mjs', '127.0.0.1', String(port), user, caFile];
  const cliMs: number[] = [];
  const plainMs: number[] = [];
  // Alternated, so a slow moment of the shared machine does not land on one side only.
  for (let run = 0; run < runs; run++) {
    for (const [args, into] of [
      [cli, cliMs],
      [plain, plainMs],
    ] as const) {
      const { ms, lines } = await timed(args, password);
      if (lines !== messages) throw new Error(`${args[0]} printed ${lines} of ${messages} lines`);
      into.push(ms);
    }
  }
  const starts: number[] = [];
  const nodeStarts: number[] = [];
  for (let run = 0; run < runs; run++) {
    starts.push((await timed([compiled, '--help'], '')).ms);
    nodeStarts.push((await timed(['-e', ''], '')).ms);
  }
  return {
    cliMs: median(cliMs),
    plainMs: median(plainMs),
    cliStartMs: median(starts),
    nodeStartMs: median(nodeStarts),
  };
}
