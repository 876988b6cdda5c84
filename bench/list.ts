// bench:list: UIDL + LIST + TOP 0 of every message of a 10,000-message
// mailbox on a real Dovecot, pipelined versus one command at a time, on
// loopback and through a proxy adding 25 ms each way. Prints figures.

import { startDovecot } from '../test/support/dovecot.ts';
import { openPop3Session } from '../server/pop3-client.ts';
import type { UpstreamTarget } from '../server/upstream.ts';
import { startDelayProxy } from './support/delay-proxy.ts';

const MESSAGES = 10_000;
/** One at a time at 50 ms costs a round trip a message: run fewer and scale. */
const SERIAL_SAMPLE_DELAYED = 200;
const DELAY_MS = 25;

function sampleMessage(i: number): string {
  return (
    `From: Sender ${i} <sender${i}@example.org>\r\nTo: alice@example.org\r\n` +
    `Subject: Message number ${i}\r\nDate: Mon, 2 Nov 2026 09:00:00 +0000\r\n` +
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
  } finally {
    await proxy.close();
  }
} finally {
  await dovecot.stop();
}
