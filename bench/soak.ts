// bench:soak: ten minutes of session churn through the gateway to a real
// Dovecot (200 users at once, each signing in, listing, reading a message and
// quitting, again and again) under the hostile flood, with the gateway's RSS
// (/proc) and live heap (after a full collection) sampled every ten seconds.
// Prints the samples and the growth after warm-up; exits 1 on a FAIL.
//
//   npm run bench:soak [-- --duration 10m] [--sessions 200] [--mechanism PLAIN]

import { cpus } from 'node:os';
import { benchArgs, MESSAGES, startFlood, startLoadWorld } from './support/load-world.ts';
import {
  commonVerdicts,
  floodLines,
  gatewayConfigLines,
  loadAverage,
  loadLines,
  logLines,
  median,
  mib,
  summarizeLog,
  verdict,
} from './support/load-report.ts';
import { emptyLoadResult, runLoad } from './support/pop3-load.ts';

const SAMPLE_MS = 10_000;
/** Growth allowed between the first and the last minute after warm-up. */
const GROWTH_TARGET = 0.1;
/** Medians of this many samples at each end, so one GC's timing is not "growth". */
const EDGE_SAMPLES = 3;

// SASL PLAIN for the reason given in bench/load.ts.
const args = benchArgs({ durationMs: 600_000, sessions: 200, mechanism: 'PLAIN' });
// Long enough for every pooled address, JIT tier and buffer pool to have been used.
const warmUpMs = Math.min(120_000, args.durationMs * 0.2);

interface Sample {
  seconds: number;
  rss: number;
  heapUsed: number;
  open: number;
  completed: number;
}

console.log(
  `bench:soak — ${args.sessions} concurrent sessions for ${args.durationMs / 1000} s,` +
    ` memory every ${SAMPLE_MS / 1000} s, warm-up ${warmUpMs / 1000} s` +
    ` (Node ${process.version}, ${cpus().length} cores, load average ${loadAverage()} at start)`,
);
const world = await startLoadWorld(args.sessions);
const { gateway } = world;
let isPass: boolean | undefined;
try {
  console.log(gatewayConfigLines(gateway));
  console.log(
    `Dovecot (implicit TLS), ${args.sessions} users × ${MESSAGES} messages; sign-in ${args.mechanism};` +
      ` clients: ${world.clientAddresses}\n`,
  );
  const started = performance.now();
  const result = emptyLoadResult();
  const samples: Sample[] = [];
  const takeSample = async (): Promise<void> => {
    const heap = await gateway.heap();
    const sample: Sample = {
      seconds: (performance.now() - started) / 1000,
      rss: gateway.proc().rss,
      heapUsed: heap.heapUsed,
      open: await gateway.openSessions(),
      completed: result.completed,
    };
    samples.push(sample);
    const errors = [...result.errors.values()].reduce((a, b) => a + b, 0);
    console.log(
      `  t=${sample.seconds.toFixed(0).padStart(4)} s  RSS ${mib(sample.rss).padStart(10)}` +
        `  heap ${mib(sample.heapUsed).padStart(9)}  open ${String(sample.open).padStart(4)}` +
        `  sessions ${String(sample.completed).padStart(7)}  errors ${errors}` +
        (sample.seconds * 1000 < warmUpMs ? '  (warm-up)' : ''),
    );
  };
  console.log('samples (heap: live, after a full collection):');
  await takeSample();
  const sampler = setInterval(() => void takeSample(), SAMPLE_MS);
  const flood = startFlood(gateway, args.durationMs);
  await runLoad(
    {
      wsUrl: gateway.wsUrl,
      origin: gateway.origin,
      server: 'main',
      users: world.users,
      pool: world.pool,
      durationMs: args.durationMs,
      mechanism: args.mechanism,
      messages: MESSAGES,
    },
    result,
  );
  clearInterval(sampler);
  const report = await flood;
  // Once everything has closed: what a quiet gateway holds after the churn.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await takeSample();
  const cpu = gateway.proc().cpuSeconds;

  console.log('');
  for (const line of loadLines(result)) console.log(line);
  const steady = samples.slice(0, -1).filter((sample) => sample.seconds * 1000 >= warmUpMs);
  const first = steady.slice(0, EDGE_SAMPLES);
  const last = steady.slice(-EDGE_SAMPLES);
  const growth = (pick: (sample: Sample) => number): number =>
    median(last.map(pick)) / median(first.map(pick)) - 1;
  const rssGrowth = growth((sample) => sample.rss);
  const heapGrowth = growth((sample) => sample.heapUsed);
  const span = `t=${first[0]?.seconds.toFixed(0)}–${first.at(-1)?.seconds.toFixed(0)} s → t=${last[0]?.seconds.toFixed(0)}–${last.at(-1)?.seconds.toFixed(0)} s`;
  console.log(
    `growth after warm-up (median of ${EDGE_SAMPLES} samples, ${span}):` +
      ` RSS ${mib(median(first.map((s) => s.rss)))} → ${mib(median(last.map((s) => s.rss)))}` +
      ` (${(100 * rssGrowth).toFixed(1)}%), heap ${mib(median(first.map((s) => s.heapUsed)))}` +
      ` → ${mib(median(last.map((s) => s.heapUsed)))} (${(100 * heapGrowth).toFixed(1)}%)`,
  );
  console.log(
    `gateway process: ${cpu.toFixed(1)} CPU seconds in all, peak RSS ${mib(gateway.proc().peakRss)};` +
      ` machine load average ${loadAverage()} at the end`,
  );
  for (const line of floodLines(report)) console.log(line);
  const summary = await summarizeLog(gateway);
  for (const line of logLines(summary)) console.log(line);
  console.log('');
  const verdicts = commonVerdicts(result, report, summary);
  const hasSamples = first.length === EDGE_SAMPLES && last.length === EDGE_SAMPLES;
  verdicts.push(
    verdict(
      hasSamples && rssGrowth <= GROWTH_TARGET,
      `RSS growth after warm-up ${(100 * rssGrowth).toFixed(1)}% (target ≤ ${100 * GROWTH_TARGET}%)`,
    ),
    verdict(
      hasSamples && heapGrowth <= GROWTH_TARGET,
      `heap growth after warm-up ${(100 * heapGrowth).toFixed(1)}% (target ≤ ${100 * GROWTH_TARGET}%)`,
    ),
  );
  isPass = verdicts.every(Boolean);
} finally {
  await world.stop();
}
process.exit(isPass ? 0 : 1);
