// `npm run pop3 -- check|list|retr …`: tests an upstream POP3 server the way
// the gateway will use it. The only CLI file that touches process and stdio.

import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { parseCliArgs, USAGE, UsageError, type CliRequest } from './args.ts';
import { printCheck, printList, summarize } from './commands.ts';
import { describeFailure } from './failure.ts';
import { openPop3Session } from '../pop3-client.ts';

async function readPassword(): Promise<string> {
  const fromEnv = process.env.POP3_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (!process.stdin.isTTY) throw new UsageError('set POP3_PASSWORD (no terminal to prompt on)');
  let isMuted = false;
  const muted = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (!isMuted) process.stderr.write(chunk);
      done();
    },
  });
  const prompt = createInterface({ input: process.stdin, output: muted, terminal: true });
  const answer = new Promise<string>((resolve) => prompt.question('Password: ', resolve));
  isMuted = true;
  const password = await answer;
  prompt.close();
  process.stderr.write('\n');
  return password;
}

async function run(request: CliRequest): Promise<void> {
  const ca = request.caFile ? await readFile(request.caFile, 'utf8') : undefined;
  const password = await readPassword();
  const target = { ...request.target, ...(ca ? { ca } : {}) };
  const started = performance.now();
  const { session, connection } = await openPop3Session(target, {
    session: { pipelining: request.isPipeliningOff ? 'off' : 'auto', replyTimeoutMs: 60_000 },
  });
  const connectMs = performance.now() - started;
  const out = { write: (text: string) => process.stdout.write(text) };
  try {
    const greeting = await session.greeting;
    const caps = await session.capabilities();
    const loginStarted = performance.now();
    const mechanism = await session.login(
      { username: request.user, password },
      { preferApop: request.preferApop },
    );
    const loginMs = performance.now() - loginStarted;
    if (request.command === 'check') {
      const statStarted = performance.now();
      const stat = await session.stat();
      printCheck(out, {
        target: `${target.host}:${target.port}`,
        connection,
        greeting,
        caps,
        mechanism,
        count: stat.count,
        size: stat.size,
        timings: { connectMs, loginMs, statMs: performance.now() - statStarted },
      });
    } else if (request.command === 'list') {
      printList(out, await summarize(session, request.limit), request.isJson);
    } else {
      await session.retrStream(request.message ?? 0, (chunk) => process.stdout.write(chunk));
    }
    // RSET first: this command never deletes anything, whatever happened. With
    // PIPELINING both leave in one write (RFC 2449 §6.6), so it costs no round trip.
    await Promise.all([session.rset(), session.quit()]);
  } finally {
    connection.socket.destroySoon();
  }
}

async function main(): Promise<number> {
  let request: CliRequest | 'help';
  try {
    request = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (request === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    await run(request);
    return 0;
  } catch (error) {
    const failure = describeFailure(error, request.target);
    process.stderr.write(`error: ${failure.message}\n`);
    return failure.exitCode;
  }
}

process.exitCode = await main();
