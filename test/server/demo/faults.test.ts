// Fault injection: each DemoFaults option makes the server misbehave the way
// the gateway and client must survive.

import { Buffer } from 'node:buffer';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pop3Command } from '../../../shared/pop3/command.ts';
import {
  startDemoServer,
  type DemoCommandContext,
  type DemoServer,
  type DemoServerOptions,
} from '../../../server/demo/index.ts';
import { TestClient } from './pop3-test-client.ts';

let server: DemoServer | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await server?.close();
  server = undefined;
});

async function open(options: DemoServerOptions): Promise<TestClient> {
  server = await startDemoServer(options);
  const client = await TestClient.connect(server);
  clients.push(client);
  return client;
}

describe('dropAfterBytes', () => {
  it('closes after exactly N bytes, mid-reply', async () => {
    const client = await open({ faults: { dropAfterBytes: 150 } });
    const greeting = await client.line();
    client.send('CAPA');
    const rest = await client.rest();
    expect(greeting.length + 2 + rest.length).toBe(150);
    expect(client.receivedBytes).toBe(150);
    expect(rest.toString()).toMatch(/^\+OK capability list follows\r\nTOP/);
  });

  it('closes inside the greeting', async () => {
    const client = await open({ faults: { dropAfterBytes: 7 } });
    expect((await client.rest()).toString()).toBe('+OK POP');
  });

  it('closes before the greeting with 0', async () => {
    const client = await open({ faults: { dropAfterBytes: 0 } });
    expect((await client.rest()).length).toBe(0);
  });

  it('counts across commands and streams', async () => {
    const client = await open({ faults: { dropAfterBytes: 5_000 } });
    await client.line();
    client.send('USER demo', 'PASS demo', 'RETR 1', 'RETR 2', 'RETR 3');
    await client.rest();
    expect(client.receivedBytes).toBe(5_000);
  });
});

describe('onCommand', () => {
  it('sends a raw reply instead of the normal one and does not carry the command out', async () => {
    const client = await open({
      faults: {
        onCommand: (command) =>
          command.verb === 'PASS' ? '-ERR [SYS/TEMP] try later\r\n' : undefined,
      },
    });
    await client.line();
    await client.command('USER demo');
    expect(await client.command('PASS demo')).toBe('-ERR [SYS/TEMP] try later');
    expect(await client.command('STAT')).toBe('-ERR command not valid in this state');
  });

  it('sends raw bytes, such as a broken multi-line reply', async () => {
    const raw = Buffer.from('+OK 3 octets\r\nab\xffc\r\n.\r\n', 'latin1');
    const client = await open({
      faults: { onCommand: (command) => (command.verb === 'RETR' ? raw : undefined) },
    });
    await client.line();
    client.send('USER demo', 'PASS demo', 'RETR 1', 'NOOP');
    await client.line();
    await client.line();
    expect(await client.line()).toBe('+OK 3 octets');
    expect((await client.multiLineBody()).equals(raw.subarray(14))).toBe(true);
    expect(await client.line()).toBe('+OK');
  });

  it('drops the connection without a reply', async () => {
    const client = await open({
      faults: { onCommand: (command) => (command.verb === 'STAT' ? 'drop' : undefined) },
    });
    await client.line();
    client.send('USER demo', 'PASS demo', 'STAT');
    await client.line();
    await client.line();
    expect((await client.rest()).length).toBe(0);
  });

  it('stalls: no reply to that command nor any after it, connection left open', async () => {
    const client = await open({
      faults: { onCommand: (command) => (command.verb === 'STAT' ? 'stall' : undefined) },
    });
    await client.line();
    client.send('USER demo', 'PASS demo', 'STAT', 'NOOP');
    await client.line();
    await client.line();
    expect(await client.isSilentFor(300)).toBe(true);
    expect(client.socket.destroyed).toBe(false);
  });

  it('is told the session, the command number and the user', async () => {
    const seen: Array<[Pop3Command['verb'], DemoCommandContext]> = [];
    const client = await open({
      faults: {
        onCommand: (command, context) => {
          seen.push([command.verb, { ...context }]);
          return undefined;
        },
      },
    });
    await client.line();
    client.send('USER demo', 'PASS demo', 'BOGUS', 'NOOP');
    for (let count = 0; count < 4; count++) await client.line();
    const second = await TestClient.connect(server as DemoServer);
    clients.push(second);
    await second.line();
    await second.command('CAPA');
    await second.multiLineBody();
    expect(seen).toEqual([
      ['USER', { sessionIndex: 0, commandIndex: 0, user: undefined }],
      ['PASS', { sessionIndex: 0, commandIndex: 1, user: 'demo' }],
      ['NOOP', { sessionIndex: 0, commandIndex: 2, user: 'demo' }],
      ['CAPA', { sessionIndex: 1, commandIndex: 0, user: undefined }],
    ]);
  });

  it('ends the session, not the server, when the hook throws', async () => {
    const client = await open({
      faults: {
        onCommand: () => {
          throw new Error('hook failed');
        },
      },
    });
    await client.line();
    client.send('NOOP');
    await client.rest();
    const next = await TestClient.connect(server as DemoServer);
    clients.push(next);
    expect(await next.line()).toMatch(/^\+OK/);
  });
});

describe('onCommand with a DemoScriptedReply', () => {
  it('sends each chunk as its own write, then serves on', async () => {
    const client = await open({
      faults: {
        onCommand: (command) =>
          command.verb === 'CAPA'
            ? { chunks: ['+OK\r\nTOP\r\n.', '\r', '\n'], gapMs: 100 }
            : undefined,
      },
    });
    await client.line();
    client.send('CAPA');
    expect(await client.line()).toBe('+OK');
    expect((await client.multiLineBody()).toString()).toBe('TOP\r\n.\r\n');
    expect(await client.command('NOOP')).toMatch(/^-ERR/);
  });

  it("'close' ends the session with a FIN after the bytes", async () => {
    const client = await open({
      faults: {
        onCommand: (command) =>
          command.verb === 'CAPA' ? { chunks: ['+OK\r\nTOP\r\n'], then: 'close' } : undefined,
      },
    });
    await client.line();
    client.send('CAPA');
    expect((await client.rest()).toString()).toBe('+OK\r\nTOP\r\n');
  });

  it("'stall' sends the bytes, then nothing more, and keeps the connection open", async () => {
    const client = await open({
      faults: {
        onCommand: (command) =>
          command.verb === 'RETR'
            ? { chunks: ['+OK 300 octets\r\nSubject: cut\r\n'], then: 'stall' }
            : undefined,
      },
    });
    await client.line();
    client.send('USER demo', 'PASS demo', 'RETR 1', 'NOOP');
    await client.line();
    await client.line();
    expect(await client.line()).toBe('+OK 300 octets');
    expect(await client.line()).toBe('Subject: cut');
    expect(await client.isSilentFor(300)).toBe(true);
    expect(client.socket.destroyed).toBe(false);
  });
});

describe('greeting', () => {
  it('sends the given bytes instead of the greeting, then serves commands', async () => {
    const client = await open({ faults: { greeting: '* OK IMAP4rev1 ready\r\n' } });
    expect(await client.line()).toBe('* OK IMAP4rev1 ready');
    expect(await client.command('CAPA')).toMatch(/^\+OK/);
  });

  it('can send an endless line', async () => {
    const endless = Buffer.alloc(100_000, 0x41);
    const client = await open({ faults: { greeting: endless, dropAfterBytes: 100_000 } });
    const rest = await client.rest();
    expect(rest.equals(endless)).toBe(true);
  });
});

describe('replyDelayMs', () => {
  it('delays the greeting and every reply', async () => {
    const started = Date.now();
    const client = await open({ faults: { replyDelayMs: 150 } });
    await client.line();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const sent = Date.now();
    expect(await client.command('NOOP')).toMatch(/^-ERR/);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(140);
  });
});
