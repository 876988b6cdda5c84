// STLS mode (RFC 2595): sign-in refused before TLS, the upgrade verified with
// the demo CA, and nothing pipelined in clear after STLS ever runs.

import { afterEach, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../../server/demo/index.ts';
import { TestClient } from './pop3-test-client.ts';

let server: DemoServer | undefined;
let client: TestClient | undefined;

afterEach(async () => {
  client?.destroy();
  await server?.close();
  server = client = undefined;
});

async function openPlain(): Promise<{ server: DemoServer; client: TestClient }> {
  server = await startDemoServer({ tls: 'starttls' });
  client = await TestClient.connectPlain(server);
  expect(await client.line()).toMatch(/^\+OK .*<[^>]+@localhost>$/);
  return { server, client };
}

describe('STLS mode', () => {
  it('offers STLS and no way to sign in before TLS', async () => {
    const { client } = await openPlain();
    expect(await client.command('CAPA')).toMatch(/^\+OK/);
    const capabilities = await client.multiLines();
    expect(capabilities).toContain('STLS');
    expect(capabilities).not.toContain('USER');
    expect(capabilities.some((line) => line.startsWith('SASL'))).toBe(false);
  });

  it.each(['USER demo', 'AUTH PLAIN', `APOP demo ${'a'.repeat(32)}`])(
    'refuses %s before STLS',
    async (line) => {
      const { client } = await openPlain();
      expect(await client.command(line)).toBe('-ERR TLS required: send STLS first');
    },
  );

  it('upgrades on STLS with a verified certificate, then signs in', async () => {
    const { server, client } = await openPlain();
    expect(await client.command('STLS')).toBe('+OK begin TLS negotiation');
    const secure = await client.upgrade(server);
    expect(secure.authorized).toBe(true);
    expect(await client.command('CAPA')).toMatch(/^\+OK/);
    const capabilities = await client.multiLines();
    expect(capabilities).not.toContain('STLS');
    expect(capabilities).toContain('USER');
    expect(capabilities).toContain('SASL PLAIN LOGIN');
    expect(await client.command('STLS')).toBe('-ERR TLS is already active');
    expect(await client.command('USER demo')).toMatch(/^\+OK/);
    expect(await client.command('PASS demo')).toMatch(/^\+OK demo's maildrop/);
    expect(await client.command('STAT')).toMatch(/^\+OK 30 \d+$/);
  });

  it('drops commands pipelined in clear after STLS (CVE-2011-0411)', async () => {
    const { server, client } = await openPlain();
    client.write('STLS\r\nUSER demo\r\nPASS demo\r\n');
    expect(await client.line()).toBe('+OK begin TLS negotiation');
    await client.upgrade(server);
    expect(await client.command('STAT')).toBe('-ERR command not valid in this state');
    expect(server.receivedLines).toEqual(['STLS', 'STAT']);
  });

  it('refuses STLS on an implicit TLS connection', async () => {
    server = await startDemoServer();
    client = await TestClient.connect(server);
    await client.line();
    expect(await client.command('STLS')).toMatch(/^-ERR STLS is not offered/);
  });
});
