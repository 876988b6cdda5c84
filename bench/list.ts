// bench:list: UIDL + LIST + TOP 0 of every message of a 10,000-message
// mailbox on a real Dovecot, pipelined versus one command at a time, on
// loopback and through a proxy adding 25 ms each way; then `pop3 list` as a
// whole process against a plain pipelined client over the 50 ms link (the
// target is within 1.5×). Prints figures.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDovecot } from '../test/support/dovecot.ts';
import { openPop3Session } from '../server/pop3-client.ts';
import type { UpstreamTarget } from '../server/upstream.ts';
import { compareListProcesses } from './list-processes.ts';
import { startDelayProxy } from './support/delay-proxy.ts';

const MESSAGES = 10_000;
/** One at a time at 50 ms costs a round trip a message: run fewer and scale. */
const SERIAL_SAMPLE_DELAYED = 200;
const DELAY_MS = 25;
/** Whole-process runs of each client; the median is reported. */
const PROCESS_RUNS = 3;

/** Every tenth sender and subject is an encoded word, so decoding has work to do. */
function sampleMessage(i: number): string {
  const from = i % 10 === 0 ? '=?UTF-8?B?5byg5LiJ?=' : `Sender ${i}`;
  const subject = i % 10 === 0 ? `=?UTF-8?B?5L2g5aW9?= ${i}` : `Message number ${i}`;
  return (
    `From: ${from} <sender${i}@example.org>\r\nTo: alice@example.org\r\n` +
    `Subject: ${subject}\r\nDate: Mon, 2 Nov 2026 09:00:00 +0000\r\n` +
    `Message-ID: <${i}@example.org>\r\n\r\nBody of message ${i}.\r\n`
  );
}

async function listAll(
  target: UpstreamTarget,
  pipelining: 'auto' | 'off',
  limit: number,
): Promise<number> {
  const { session } = await openPop3Session(target, { session: { pipelining } });
  await session.login({ username: 'alice', password: 'wonderland-1' });
  const started = performance.now();
  const [uidl, list] = await Promise.all([session.uidl(), session.list()]);
  const msgs = list.slice(0, limit).map((entry) => entry.msg);
  let headers = 0;
  await session.topMany(msgs, 0, () => headers++);
  const elapsed = performance.now() - started;
  if (uidl.length !== MESSAGES || headers !== msgs.length) throw new Error('incomplete listing');
  await session.quit();
  return elapsed;
}

const dovecot = await startDovecot();
try {
  const filling = performance.now();
  await dovecot.addMessages(
    'alice',
    Array.from({ length: MESSAGES }, (_, i) => sampleMessage(i + 1)),
  );
  console.log(
    `bench:list — ${MESSAGES} messages in Dovecot (filled in ${((performance.now() - filling) / 1000).toFixed(1)} s)`,
  );
  const direct: UpstreamTarget = {
    host: dovecot.host,
    port: dovecot.implicitPort,
    tls: 'implicit',
    ca: dovecot.ca,
    servername: dovecot.servername,
  };
  const proxy = await startDelayProxy(dovecot.implicitPort, DELAY_MS);
  const delayed: UpstreamTarget = { ...direct, port: proxy.port };
  try {
    await listAll(direct, 'auto', MESSAGES); // warm Dovecot's caches and the JIT
    for (const [name, target, serialCount] of [
      ['loopback', direct, MESSAGES],
      [`${DELAY_MS * 2} ms round trips`, delayed, SERIAL_SAMPLE_DELAYED],
    ] as const) {
      const pipelined = await listAll(target, 'auto', MESSAGES);
      const serial = await listAll(target, 'off', serialCount);
      const perPipelined = pipelined / MESSAGES;
      const perSerial = serial / serialCount;
      console.log(
        `${name.padEnd(18)} pipelined ${(pipelined / 1000).toFixed(2)} s for ${MESSAGES} (${(perPipelined * 1000).toFixed(1)} µs/message) | ` +
          `one at a time ${(serial / 1000).toFixed(2)} s for ${serialCount} (${(perSerial * 1000).toFixed(1)} µs/message) | ` +
          `per-message ratio ${(perSerial / perPipelined).toFixed(1)}×`,
      );
    }
    const dir = await mkdtemp(join(tmpdir(), 'bench-list-'));
    try {
      const caFile = join(dir, 'ca.pem');
      await writeFile(caFile, dovecot.ca);
      const figures = await compareListProcesses({
        port: proxy.port,
        caFile,
        user: 'alice',
        password: 'wonderland-1',
        messages: MESSAGES,
        runs: PROCESS_RUNS,
      });
      const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
      console.log(
        `whole process, ${DELAY_MS * 2} ms round trips (median of ${PROCESS_RUNS}): ` +
          `pop3 list --json ${seconds(figures.cliMs)} | plain pipelined client ${seconds(figures.plainMs)} | ` +
          `ratio ${(figures.cliMs / figures.plainMs).toFixed(2)}× (target ≤ 1.5×)`,
      );
      // Start-up apart (tsx compiles the command's TypeScript as it loads), what is left
      // is the per-message work: the session layer and the header decoding.
      const cliWork = figures.cliMs - figures.cliStartMs;
      const plainWork = figures.plainMs - figures.nodeStartMs;
      console.log(
        `  start-up: pop3 --help ${seconds(figures.cliStartMs)}, node on an empty script ` +
          `${seconds(figures.nodeStartMs)}; without it ${seconds(cliWork)} | ${seconds(plainWork)} | ` +
          `ratio ${(cliWork / plainWork).toFixed(2)}×`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await proxy.close();
  }
} finally {
  await dovecot.stop();
}
