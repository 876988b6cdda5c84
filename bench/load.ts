// bench:load: 500 users at once (one session each, a new one as soon as the
// last ends) sign in through the gateway to a real Dovecot over TLS, list,
// read a message and quit, for two minutes, while a hostile client floods the
// gateway from its own address. Prints latencies, errors, the gateway's CPU
// and peak RSS (from /proc) and what the flood met; exits 1 on a FAIL.
//
//   npm run bench:load [-- --duration 30s] [--sessions 500] [--mechanism PLAIN]

import { cpus } from 'node:os';
import { benchArgs, MESSAGES, startFlood, startLoadWorld } from './support/load-world.ts';
import {
  commonVerdicts,
  floodLines,
  gatewayConfigLines,
  loadAverage,
  loadLines,
  logLines,
  mib,
  summarizeLog,
  upstreamConnectLine,
  verdict,
} from './support/load-report.ts';
import { runLoad } from './support/pop3-load.ts';

// SASL PLAIN, not the browser's SCRAM-SHA-256: 4096 PBKDF2 rounds per sign-in
// in JavaScript would make the load generator, on the same two cores, the
// bottleneck. The gateway relays either without looking inside.
const args = benchArgs({ durationMs: 120_000, sessions: 500, mechanism: 'PLAIN' });

console.log(
  `bench:load — ${args.sessions} concurrent sessions for ${args.durationMs / 1000} s` +
    ` (Node ${process.version}, ${cpus().length} cores, load average ${loadAverage()} at start)`,
);
const world = await startLoadWorld(args.sessions);
const { gateway } = world;
let isPass: boolean | undefined;
try {
  console.log(gatewayConfigLines(gateway));
  console.log(
    `Dovecot ${world.dovecot.host}:${world.dovecot.implicitPort} (implicit TLS), ${args.sessions} users` +
      ` × ${MESSAGES} messages (1–46 KiB); sign-in ${args.mechanism};` +
      `\nclients: ${world.clientAddresses}\n`,
  );
  const before = gateway.proc();
  const clientCpuBefore = process.cpuUsage();
  let peakSampled = before.rss;
  let peakOpen = 0;
  const sampler = setInterval(() => {
    peakSampled = Math.max(peakSampled, gateway.proc().rss);
    void gateway.openSessions().then((open) => (peakOpen = Math.max(peakOpen, open)));
  }, 1000);
  const flood = startFlood(gateway, args.durationMs);
  const result = await runLoad({
    wsUrl: gateway.wsUrl,
    origin: gateway.origin,
    server: 'main',
    users: world.users,
    pool: world.pool,
    durationMs: args.durationMs,
    mechanism: args.mechanism,
    messages: MESSAGES,
  });
  const after = gateway.proc();
  const metrics = await gateway.metrics();
  clearInterval(sampler);
  const report = await flood;
  const heap = await gateway.heap();
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const gatewayCpu = after.cpuSeconds - before.cpuSeconds;

  for (const line of loadLines(result)) console.log(line);
  console.log(
    `gateway process: ${gatewayCpu.toFixed(1)} CPU seconds during the run` +
      ` (${((100 * gatewayCpu) / (result.elapsedMs / 1000)).toFixed(0)}% of one core),` +
      ` peak RSS ${mib(Math.max(after.peakRss, peakSampled))} (VmHWM), RSS at the end ${mib(after.rss)},` +
      ` live heap at the end ${mib(heap.heapUsed)}; peak open sessions ${peakOpen} (its /metrics)`,
  );
  const onCpu = after.mainOnCpuSeconds - before.mainOnCpuSeconds;
  const waiting = after.mainWaitingSeconds - before.mainWaitingSeconds;
  console.log(
    `gateway CPU per completed session ${((1000 * gatewayCpu) / result.completed).toFixed(1)} ms;` +
      ` its event-loop thread ran ${onCpu.toFixed(1)} s and waited ${waiting.toFixed(1)} s` +
      ' for a CPU held by other processes (/proc/<pid>/schedstat)',
  );
  console.log(upstreamConnectLine(metrics));
  console.log(
    `load generator: ${((clientCpu.user + clientCpu.system) / 1e6).toFixed(1)} CPU seconds;` +
      ` address waits ${world.pool.waits}; machine load average ${loadAverage()} at the end`,
  );
  for (const line of floodLines(report)) console.log(line);
  const summary = await summarizeLog(gateway);
  for (const line of logLines(summary)) console.log(line);
  console.log('');
  const verdicts = commonVerdicts(result, report, summary);
  verdicts.push(
    verdict(
      result.latencies['connect+open'].length >= args.sessions,
      `every one of the ${args.sessions} users got a session`,
    ),
  );
  isPass = verdicts.every(Boolean);
} finally {
  await world.stop();
}
process.exit(isPass ? 0 : 1);
