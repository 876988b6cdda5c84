// bench:gateway: the gateway (in its own process) against a direct TLS
// connection to the same in-memory POP3S server: RETR throughput of a 20 MB
// message, memory per idle session with 2,000 sessions open, and the NOOP
// round trip with 200 active sessions. Prints figures; asserts nothing.

import { fork, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import {
  ask,
  directPipe,
  gatewayPipe,
  login,
  MB,
  median,
  nextMessage,
  NOOP_WORKLOADS,
  NOOPS_PER_SESSION,
  noopRtts,
  percentile,
  retrReply,
  retrSeconds,
  rttRow,
  serveGateway,
  startUpstream,
  type Pipe,
  type Upstream,
} from './support/pop3-bench.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const IDLE_SESSIONS = 2000;
const ACTIVE_SESSIONS = 200;

/** A gateway in a process of its own, listening; resolves with it and its port. */
async function startGatewayProcess(upstream: Upstream): Promise<[ChildProcess, number]> {
  const child = fork(import.meta.filename, ['--serve', JSON.stringify(upstream)], {
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
      // BENCH_PROFILE=<dir>: a CPU profile of the gateway process.
      ...(process.env.BENCH_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
        : []),
    ],
  });
  const { port } = await nextMessage<{ port: number }>(child);
  return [child, port];
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const [child, port] = await startGatewayProcess(upstream);
  console.log(`bench:gateway (Node ${process.version}, gateway in its own process)\n`);

  // 1. RETR throughput, measured from a client process of its own so the
  // server's encryption and the client's reading do not share one thread.
  const client = fork(import.meta.filename, ['--client', JSON.stringify({ upstream, port })], {
    execArgv: ['--import', 'tsx'],
  });
  const cpuBefore = await ask(child, 'cpu');
  const upstreamBefore = process.cpuUsage();
  const result = await nextMessage<RetrResult>(client);
  const upstreamCpu = process.cpuUsage(upstreamBefore);
  const cpuAfter = await ask(child, 'cpu');
  const gatewayCpuMs = cpuAfter.cpuMs - cpuBefore.cpuMs;
  const kernelShare = (cpuAfter.systemMs - cpuBefore.systemMs) / gatewayCpuMs;
  client.kill();
  const directMBs = result.replyLength / MB / median(result.directTimes);
  const gatewayMBs = result.replyLength / MB / median(result.gatewayTimes);
  const gatewayWallMs = result.gatewayTimes.reduce((a, b) => a + b, 0) * 1000;
  console.log(`RETR 20 MB, median of ${ROUNDS} (client in its own process):`);
  console.log(`  direct TLS      ${directMBs.toFixed(0)} MB/s`);
  console.log(`  through gateway ${gatewayMBs.toFixed(0)} MB/s`);
  // Each round is a direct RETR then one through the gateway: their ratios
  // show how much of the spread is the machine rather than the gateway.
  const roundRatios = result.directTimes.map((direct, i) => direct / result.gatewayTimes[i]!);
  console.log(
    `  ratio           ${(gatewayMBs / directMBs).toFixed(2)} (target ≥ 0.8;` +
      ` single rounds ${Math.min(...roundRatios).toFixed(2)}–${Math.max(...roundRatios).toFixed(2)})`,
  );
  const mb = result.replyLength / MB;
  const gatewayMs = gatewayCpuMs / (ROUNDS + 1) / mb;
  console.log(
    `  gateway CPU     ${gatewayMs.toFixed(2)} ms per MB` +
      ` (busy ${((100 * gatewayCpuMs) / gatewayWallMs).toFixed(0)}% while relaying,` +
      ` ${(100 * kernelShare).toFixed(0)}% of it in the kernel)`,
  );
  // Every process on a path shares the machine's cores, so a path's total
  // CPU per MB bounds its throughput as much as its busiest process does.
  const serverMs = (upstreamCpu.user + upstreamCpu.system) / 1000 / (2 * (ROUNDS + 1)) / mb;
  const directClientMs = result.directCpuMs / ROUNDS / mb;
  const gatewayClientMs = result.gatewayCpuMs / ROUNDS / mb;
  const sum = (...parts: number[]): string => parts.reduce((a, b) => a + b, 0).toFixed(2);
  console.log(
    `  CPU per MB      direct ${sum(serverMs, directClientMs)} ms` +
      ` (server ${serverMs.toFixed(2)} + client ${directClientMs.toFixed(2)}),` +
      ` through gateway ${sum(serverMs, gatewayMs, gatewayClientMs)} ms` +
      ` (server ${serverMs.toFixed(2)} + gateway ${gatewayMs.toFixed(2)}` +
      ` + client ${gatewayClientMs.toFixed(2)})`,
  );
  const hopMs = await loopbackHopMs();
  console.log(
    `  loopback hop    ${hopMs.toFixed(2)} ms per MB to write and read plain TCP (one process):` +
      ` what one more connection on the path costs before any relaying\n`,
  );
  if (process.env.BENCH_ONLY === 'retr') {
    child.kill('SIGINT');
    await new Promise((resolve) => child.once('exit', resolve));
    upstream.close();
    process.exit(0);
  }

  // 2. Memory per idle session, in a fresh gateway: memory the RETRs freed
  // would otherwise be reused by the sessions and hide part of their cost.
  child.kill();
  const [fresh, freshPort] = await startGatewayProcess(upstream);
  const before = await ask(fresh);
  const idle: Pipe[] = [];
  for (let batch = 0; batch < IDLE_SESSIONS / 100; batch++) {
    idle.push(...(await Promise.all(Array.from({ length: 100 }, () => gatewayPipe(freshPort)))));
  }
  const after = await ask(fresh);
  const perSession = (after.rss - before.rss) / IDLE_SESSIONS / 1024;
  const heapPerSession = (after.heapUsed - before.heapUsed) / IDLE_SESSIONS / 1024;
  console.log(`${after.sessions} idle sessions (greeting received, TLS upstream open):`);
  console.log(`  RSS per session  ${perSession.toFixed(1)} KiB (target ≤ 64 KiB)`);
  console.log(`  heap per session ${heapPerSession.toFixed(1)} KiB\n`);
  for (const pipe of idle) pipe.close();
  // Their teardown and garbage are not part of the next measurement (a
  // memory probe runs a full collection).
  while ((await ask(fresh)).sessions > 0) await new Promise((r) => setTimeout(r, 100));

  // 3. NOOP round trips, 200 sessions at once.
  const directPipes = await Promise.all(
    Array.from({ length: ACTIVE_SESSIONS }, () => directPipe(upstream)),
  );
  const gatewayPipes = await Promise.all(
    Array.from({ length: ACTIVE_SESSIONS }, () => gatewayPipe(freshPort)),
  );
  // One uncounted pass of each workload on both paths: this gateway process
  // is new, and a first pass would measure its code being compiled.
  for (const [, thinkMs] of NOOP_WORKLOADS) {
    await noopRtts(directPipes, thinkMs);
    await noopRtts(gatewayPipes, thinkMs);
  }
  console.log(`NOOP round trip, ${ACTIVE_SESSIONS} sessions × ${NOOPS_PER_SESSION}:`);
  for (const [title, thinkMs] of NOOP_WORKLOADS) {
    const directRtts = await noopRtts(directPipes, thinkMs);
    const gatewayRtts = await noopRtts(gatewayPipes, thinkMs);
    const added50 = percentile(gatewayRtts, 50) - percentile(directRtts, 50);
    const added99 = percentile(gatewayRtts, 99) - percentile(directRtts, 99);
    console.log(`  ${title}:`);
    console.log(rttRow('direct TLS     ', directRtts));
    console.log(rttRow('through gateway', gatewayRtts));
    console.log(
      `    added           p50 ${added50.toFixed(2)} ms, p99 ${added99.toFixed(2)} ms (target p99 < 20 ms)`,
    );
  }
  for (const pipe of [...directPipes, ...gatewayPipes]) pipe.close();

  fresh.kill();
  upstream.close();
  process.exit(0);
}

/** CPU milliseconds per MB to write 200 MB into a loopback TCP socket and read them back out. */
async function loopbackHopMs(): Promise<number> {
  const total = 200 * MB;
  const chunk = Buffer.alloc(MB, 0x61);
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const reader = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const writer = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => writer.once('connect', resolve));
  const socket = await reader;
  const before = process.cpuUsage();
  await new Promise<void>((resolve) => {
    let received = 0;
    socket.on('data', (data: Buffer) => {
      received += data.length;
      if (received >= total) resolve();
    });
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += chunk.length;
        if (!writer.write(chunk)) return void writer.once('drain', pump);
      }
    };
    pump();
  });
  const cpu = process.cpuUsage(before);
  writer.destroy();
  socket.destroy();
  server.close();
  return (cpu.user + cpu.system) / 1000 / (total / MB);
}

interface RetrResult {
  replyLength: number;
  directTimes: number[];
  gatewayTimes: number[];
  /** The client's own CPU over the timed rounds: decrypting TLS, or reading frames. */
  directCpuMs: number;
  gatewayCpuMs: number;
}

/** Seconds for one RETR, and the calling process's CPU milliseconds meanwhile. */
async function timedRetr(pipe: Pipe, replyLength: number): Promise<[number, number]> {
  const before = process.cpuUsage();
  const seconds = await retrSeconds(pipe, replyLength);
  const cpu = process.cpuUsage(before);
  return [seconds, (cpu.user + cpu.system) / 1000];
}

/** The client process: one warm-up, then ROUNDS RETRs each way, alternating. */
async function runRetrClient({ upstream, port }: { upstream: Upstream; port: number }) {
  const replyLength = retrReply().length;
  const direct = await directPipe(upstream);
  const viaGateway = await gatewayPipe(port);
  await login(direct);
  await login(viaGateway);
  await retrSeconds(direct, replyLength);
  await retrSeconds(viaGateway, replyLength);
  const result: RetrResult = {
    replyLength,
    directTimes: [],
    gatewayTimes: [],
    directCpuMs: 0,
    gatewayCpuMs: 0,
  };
  for (let round = 0; round < ROUNDS; round++) {
    const [directSeconds, directCpuMs] = await timedRetr(direct, replyLength);
    const [gatewaySeconds, gatewayCpuMs] = await timedRetr(viaGateway, replyLength);
    result.directTimes.push(directSeconds);
    result.gatewayTimes.push(gatewaySeconds);
    result.directCpuMs += directCpuMs;
    result.gatewayCpuMs += gatewayCpuMs;
  }
  direct.close();
  viaGateway.close();
  process.send?.(result);
}

if (process.argv[2] === '--client') {
  await runRetrClient(JSON.parse(process.argv[3] ?? '{}') as { upstream: Upstream; port: number });
} else if (process.argv[2] === '--serve') {
  await serveGateway(JSON.parse(process.argv[3] ?? '{}') as Upstream);
} else {
  await main();
}
