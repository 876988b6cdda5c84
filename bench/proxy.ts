// bench:proxy: the cost of the reverse proxy. The same gateway process, once
// straight (ws:// on loopback) and once behind a real nginx running the
// shipped deploy/nginx/webmail.conf (TLS terminated there, wss://): RETR
// throughput of a 20 MB message and the NOOP round trip with 200 active
// sessions, as in bench:gateway, in one run. Prints figures; asserts nothing.

import { fork } from 'node:child_process';
import { startNginx } from '../test/support/nginx.ts';
import {
  ask,
  BENCH_HOST,
  bridgePipe,
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

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ACTIVE_SESSIONS = 200;
/**
 * nginx passes the browser's Host on ($http_host). The gateway starts before
 * nginx's port is known, so the client sends the name without a port.
 */
const NGINX_HOST = 'localhost';

/** Where the client processes find the gateway, straight and through nginx. */
interface Targets {
  gatewayPort: number;
  nginxPort: number;
  nginxCa: string;
}

function proxiedPipe(targets: Targets): Promise<Pipe> {
  return bridgePipe(`wss://localhost:${targets.nginxPort}/ws`, {
    ca: targets.nginxCa,
    headers: { host: NGINX_HOST },
  });
}

interface RetrResult {
  replyLength: number;
  directTimes: number[];
  proxiedTimes: number[];
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  const child = fork(import.meta.filename, ['--serve', JSON.stringify(upstream)], {
    execArgv: ['--import', 'tsx'],
  });
  const { port } = await nextMessage<{ port: number }>(child);
  const nginx = await startNginx({ gateways: [port] });
  const targets: Targets = { gatewayPort: port, nginxPort: nginx.port, nginxCa: nginx.ca };
  console.log(
    `bench:proxy (Node ${process.version}; gateway in its own process; ` +
      `nginx, one worker, TLS at nginx, deploy/nginx/webmail.conf)\n`,
  );

  // 1. RETR throughput from a client process of its own, as in bench:gateway.
  const client = fork(import.meta.filename, ['--client', JSON.stringify(targets)], {
    execArgv: ['--import', 'tsx'],
  });
  const cpuBefore = await ask(child, 'cpu');
  const result = await nextMessage<RetrResult>(client);
  const cpuAfter = await ask(child, 'cpu');
  client.kill();
  const directMBs = result.replyLength / MB / median(result.directTimes);
  const proxiedMBs = result.replyLength / MB / median(result.proxiedTimes);
  const gatewayCpuMs = cpuAfter.cpuMs - cpuBefore.cpuMs;
  const megabytes = ((2 * ROUNDS + 2) * result.replyLength) / MB;
  console.log(`RETR 20 MB, median of ${ROUNDS} (client in its own process):`);
  console.log(`  straight to the gateway (ws://)  ${directMBs.toFixed(0)} MB/s`);
  console.log(`  through nginx (wss://)           ${proxiedMBs.toFixed(0)} MB/s`);
  console.log(`  ratio nginx / straight           ${(proxiedMBs / directMBs).toFixed(2)}`);
  console.log(
    `  gateway CPU                      ${(gatewayCpuMs / megabytes).toFixed(2)} ms per MB (both ways together)\n`,
  );

  // 2. NOOP round trips, 200 sessions at once each way.
  const straight = await Promise.all(
    Array.from({ length: ACTIVE_SESSIONS }, () => gatewayPipe(port)),
  );
  const proxied: Pipe[] = [];
  // In batches: 200 TLS handshakes at once to one nginx worker is a flood, not a workload.
  for (let batch = 0; batch < ACTIVE_SESSIONS / 50; batch++) {
    proxied.push(...(await Promise.all(Array.from({ length: 50 }, () => proxiedPipe(targets)))));
  }
  console.log(
    `NOOP round trip, ${ACTIVE_SESSIONS} sessions × ${NOOPS_PER_SESSION}, twice each way:`,
  );
  for (const [title, thinkMs] of NOOP_WORKLOADS) {
    // Each path twice, in the order A B B A, so warm-up and drift fall on both.
    const straightRtts = await noopRtts(straight, thinkMs);
    const proxiedRtts = await noopRtts(proxied, thinkMs);
    proxiedRtts.push(...(await noopRtts(proxied, thinkMs)));
    straightRtts.push(...(await noopRtts(straight, thinkMs)));
    const added = (p: number): string =>
      (percentile(proxiedRtts, p) - percentile(straightRtts, p)).toFixed(2);
    const ratio = (p: number): string =>
      (percentile(proxiedRtts, p) / percentile(straightRtts, p)).toFixed(2);
    console.log(`  ${title}:`);
    console.log(rttRow('straight to the gateway', straightRtts));
    console.log(rttRow('through nginx          ', proxiedRtts));
    console.log(`    added by nginx          p50 ${added(50)} ms, p99 ${added(99)} ms`);
    console.log(`    ratio nginx / straight  p50 ${ratio(50)}, p99 ${ratio(99)}`);
  }
  for (const pipe of [...straight, ...proxied]) pipe.close();

  await nginx.stop();
  child.kill();
  upstream.close();
  process.exit(0);
}

/** The client process: one warm-up each way, then ROUNDS RETRs each way, alternating. */
async function runRetrClient(targets: Targets): Promise<void> {
  const replyLength = retrReply().length;
  const direct = await gatewayPipe(targets.gatewayPort);
  const viaNginx = await proxiedPipe(targets);
  await login(direct);
  await login(viaNginx);
  await retrSeconds(direct, replyLength);
  await retrSeconds(viaNginx, replyLength);
  const result: RetrResult = { replyLength, directTimes: [], proxiedTimes: [] };
  for (let round = 0; round < ROUNDS; round++) {
    result.directTimes.push(await retrSeconds(direct, replyLength));
    result.proxiedTimes.push(await retrSeconds(viaNginx, replyLength));
  }
  direct.close();
  viaNginx.close();
  process.send?.(result);
}

if (process.argv[2] === '--client') {
  await runRetrClient(JSON.parse(process.argv[3] ?? '{}') as Targets);
} else if (process.argv[2] === '--serve') {
  await serveGateway(JSON.parse(process.argv[3] ?? '{}') as Upstream, [BENCH_HOST, NGINX_HOST]);
} else {
  await main();
}
