// The gateway's own STARTTLS against scripted servers (RFC 3207): it fails
// closed on a refusal, on bytes pipelined before its commands, and on a bad
// greeting; it drops what a server (or an injector) sends between 220 and
// the handshake (CVE-2011-0411 class); certificates are always verified.

import type net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import type { SubmissionConfig } from '../../server/smtp-config.ts';
import { connectSubmission } from '../../server/smtp-upstream.ts';
import { UpstreamError } from '../../server/upstream-errors.ts';
import { startTcpStub, testCerts, type StubServer } from '../support/tls-stub.ts';

const stubs: StubServer[] = [];
afterEach(async () => {
  for (const stub of stubs.splice(0)) await stub.close();
});

interface Script {
  greeting: string;
  ehlo?: string;
  starttls?: string;
  /** Written on the TLS side once the handshake is done. */
  afterTls?: string;
}

/** A plaintext SMTP server that follows `script`, recording every line it got. */
async function scripted(script: Script, cert?: { key: string; cert: string }) {
  const lines: string[] = [];
  const stub = await startTcpStub((socket) => {
    socket.write(script.greeting);
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('latin1');
      for (let at = buffer.indexOf('\r\n'); at >= 0; at = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        lines.push(line);
        if (/^EHLO /i.test(line)) socket.write(script.ehlo ?? '250 ok\r\n');
        else if (/^STARTTLS$/i.test(line)) {
          socket.write(script.starttls ?? '454 no\r\n');
          if (cert && script.starttls?.startsWith('220')) {
            socket.off('data', onData);
            const secure = new tls.TLSSocket(socket, { isServer: true, ...cert });
            secure.on('secure', () => secure.write(script.afterTls ?? ''));
            secure.on('error', () => {});
          }
        }
      }
    };
    socket.on('data', onData);
  });
  stubs.push(stub);
  return { stub, lines };
}

async function target(stub: StubServer): Promise<SubmissionConfig> {
  const { ca } = await testCerts();
  return {
    host: stub.host,
    port: stub.port,
    tls: 'starttls',
    ca: ca.cert,
    servername: 'localhost',
    sender: { kind: 'username' },
    isXclient: false,
  };
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => new Error('expected a refusal'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

const EHLO_TLS = '250-localhost\r\n250-PIPELINING\r\n250 STARTTLS\r\n';

describe('connectSubmission with STARTTLS', () => {
  it('refuses a server that answers STARTTLS with 454, having sent only EHLO and STARTTLS', async () => {
    const { stub, lines } = await scripted({ greeting: '220 hi\r\n', ehlo: EHLO_TLS });
    const error = await failure(connectSubmission(await target(stub)));
    expect(error.code).toBe('UPSTREAM_STARTTLS_FAILED');
    expect(lines).toEqual(['EHLO [127.0.0.1]', 'STARTTLS']);
  });

  it('refuses an EHLO reply without STARTTLS, sending nothing more', async () => {
    const { stub, lines } = await scripted({
      greeting: '220 hi\r\n',
      ehlo: '250-x\r\n250 AUTH PLAIN\r\n',
    });
    expect((await failure(connectSubmission(await target(stub)))).code).toBe(
      'UPSTREAM_STARTTLS_FAILED',
    );
    expect(lines).toEqual(['EHLO [127.0.0.1]']);
  });

  it('refuses bytes that came after the greeting before its EHLO', async () => {
    const { stub, lines } = await scripted({ greeting: '220 hi\r\n250-STARTTLS\r\n' });
    expect((await failure(connectSubmission(await target(stub)))).code).toBe(
      'UPSTREAM_STARTTLS_FAILED',
    );
    expect(lines).toEqual([]);
  });

  it('refuses a 554 greeting (RFC 5321 §4.3.1)', async () => {
    const { stub } = await scripted({ greeting: '554 go away\r\n' });
    expect((await failure(connectSubmission(await target(stub)))).code).toBe(
      'UPSTREAM_BAD_GREETING',
    );
  });

  it('drops what arrives between 220 and the handshake; only TLS bytes reach the caller', async () => {
    const { good } = await testCerts();
    const { stub } = await scripted(
      {
        greeting: '220-hello\r\n220 there\r\n',
        ehlo: EHLO_TLS,
        starttls: '220 go ahead\r\n250 injected\r\n',
        afterTls: '250 over tls\r\n',
      },
      good,
    );
    const connection = await connectSubmission(await target(stub));
    try {
      expect(Buffer.from(connection.greeting).toString()).toBe('220-hello\r\n220 there\r\n');
      const received = await new Promise<string>((resolve) => {
        let text = '';
        connection.receive((bytes) => {
          text += Buffer.from(bytes).toString('latin1');
          if (text.includes('\r\n')) resolve(text);
        });
      });
      expect(received).toBe('250 over tls\r\n');
      expect(connection.tls.authorized).toBe(true);
    } finally {
      connection.socket.destroy();
    }
  });

  it('verifies the certificate after STARTTLS', async () => {
    const { selfSigned } = await testCerts();
    const { stub } = await scripted(
      { greeting: '220 hi\r\n', ehlo: EHLO_TLS, starttls: '220 go\r\n' },
      selfSigned,
    );
    const error = await failure(connectSubmission(await target(stub)));
    expect(error.code).toBe('UPSTREAM_TLS_SELF_SIGNED');
  });
});

describe('connectSubmission with implicit TLS', () => {
  it('never speaks plaintext: a plaintext server is a TLS failure', async () => {
    const stub = await startTcpStub((socket: net.Socket) => socket.write('220 plaintext\r\n'));
    stubs.push(stub);
    const error = await failure(connectSubmission({ ...(await target(stub)), tls: 'implicit' }));
    expect(error.code).toBe('UPSTREAM_TLS_PROTOCOL');
  });
});
