// connectUpstream against scripted stubs: implicit TLS and STLS happy paths,
// every certificate failure with its own code, old TLS, per-phase timeouts,
// hostile greetings and STLS injection (docs/security.md #11–#13).

import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../server/upstream-errors.ts';
import { connectUpstream, MAX_GREETING_LINE, type UpstreamTarget } from '../../server/upstream.ts';
import { MAX_STATUS_LINE } from '../../shared/pop3/limits.ts';
import {
  startPop3Stub,
  startTcpStub,
  startTlsStub,
  testCerts,
  type StubServer,
} from '../support/tls-stub.ts';

const stubs: StubServer[] = [];
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((stub) => stub.close()));
});

async function track<T extends StubServer>(stub: Promise<T>): Promise<T> {
  const started = await stub;
  stubs.push(started);
  return started;
}

async function failure(target: UpstreamTarget, timeouts = {}): Promise<UpstreamError> {
  const error: unknown = await connectUpstream(target, { timeouts }).then(
    (connection) => {
      connection.socket.destroy();
      throw new Error('connected, expected a failure');
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

describe('connectUpstream: implicit TLS', () => {
  it('verifies the certificate, reads the greeting, and hands over later bytes to receive', async () => {
    const { ca, good } = await testCerts();
    const stub = await track(startPop3Stub({ mode: 'implicit', cert: good }));
    const connection = await connectUpstream({
      host: 'localhost',
      port: stub.port,
      tls: 'implicit',
      ca: ca.cert,
    });
    expect(text(connection.greeting)).toBe('+OK POP3 stub ready\r\n');
    expect(connection.tls.authorized).toBe(true);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(connection.tls.protocol);
    expect(connection.tls.cipher).toMatch(/\w/);
    const chunks: Uint8Array[] = [];
    const reply = new Promise<string>((resolve) =>
      connection.receive((bytes) => {
        chunks.push(bytes);
        resolve(text(bytes.slice()));
      }),
    );
    connection.socket.write('NOOP\r\n');
    expect(await reply).toBe('+OK\r\n');
    // A plain view, so that slice() copies: a Buffer's slice() would not.
    expect(Buffer.isBuffer(chunks[0])).toBe(false);
    connection.socket.destroy();
  });

  it('keeps bytes that arrived with the greeting for the caller', async () => {
    const { ca, good } = await testCerts();
    const stub = await track(
      startTlsStub({ cert: good, onSecure: (socket) => socket.write('+OK hi\r\n+OK extra\r\n') }),
    );
    const connection = await connectUpstream({
      host: '127.0.0.1',
      port: stub.port,
      tls: 'implicit',
      ca: ca.cert,
    });
    expect(text(connection.greeting)).toBe('+OK hi\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const received: string[] = [];
    connection.receive((bytes) => received.push(text(bytes.slice())));
    expect(received).toEqual(['+OK extra\r\n']);
    connection.socket.destroy();
  });

  it.each([
    ['selfSigned', 'UPSTREAM_TLS_SELF_SIGNED'],
    ['expired', 'UPSTREAM_TLS_EXPIRED'],
    ['wrongName', 'UPSTREAM_TLS_HOSTNAME'],
    ['untrusted', 'UPSTREAM_TLS_UNTRUSTED'],
  ] as const)('a %s certificate fails with %s before any POP3 byte', async (kind, code) => {
    const certs = await testCerts();
    const stub = await track(startPop3Stub({ mode: 'implicit', cert: certs[kind] }));
    const error = await failure({
      host: 'localhost',
      port: stub.port,
      tls: 'implicit',
      ca: certs.ca.cert,
    });
    expect(error.code).toBe(code);
    expect(error.phase).toBe('handshake');
  });

  it('an untrusted certificate fails without a configured CA (system store)', async () => {
    const { good } = await testCerts();
    const stub = await track(startPop3Stub({ mode: 'implicit', cert: good }));
    const error = await failure({ host: 'localhost', port: stub.port, tls: 'implicit' });
    expect(error.code).toBe('UPSTREAM_TLS_UNTRUSTED');
  });

  it('verifies the servername, not the host, when one is configured', async () => {
    const { ca, wrongName } = await testCerts();
    const stub = await track(startPop3Stub({ mode: 'implicit', cert: wrongName }));
    const connection = await connectUpstream({
      host: '127.0.0.1',
      port: stub.port,
      tls: 'implicit',
      ca: ca.cert,
      servername: 'mail.example.org',
    });
    expect(text(connection.greeting)).toMatch(/^\+OK/);
    connection.socket.destroy();
  });

  it.each(['TLSv1', 'TLSv1.1'] as const)('a server offering only %s fails', async (version) => {
    const { ca, good } = await testCerts();
    const stub = await track(startPop3Stub({ mode: 'implicit', cert: good, maxVersion: version }));
    const error = await failure({
      host: 'localhost',
      port: stub.port,
      tls: 'implicit',
      ca: ca.cert,
    });
    expect(error.code).toBe('UPSTREAM_TLS_PROTOCOL');
  });

  it('a plaintext server on the TLS port fails as a TLS protocol error', async () => {
    const { ca } = await testCerts();
    const stub = await track(startTcpStub((socket) => socket.write('+OK plaintext\r\n')));
    const error = await failure({
      host: 'localhost',
      port: stub.port,
      tls: 'implicit',
      ca: ca.cert,
    });
    expect(error.code).toBe('UPSTREAM_TLS_PROTOCOL');
  });

  it('a refused port fails with UPSTREAM_CONNECT_FAILED', async () => {
    const stub = await startTcpStub(() => {});
    const port = stub.port;
    await stub.close();
    const error = await failure({ host: '127.0.0.1', port, tls: 'implicit' });
    expect(error.code).toBe('UPSTREAM_CONNECT_FAILED');
    expect(error.phase).toBe('connect');
  });
});

describe('connectUpstream: timeouts per phase (docs/security.md #13)', () => {
  it('a blackhole (accepts TCP, says nothing) times out in the handshake', async () => {
    const stub = await track(startTcpStub(() => {}));
    const error = await failure(
      { host: '127.0.0.1', port: stub.port, tls: 'implicit' },
      { handshakeMs: 200 },
    );
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.phase).toBe('handshake');
    // The stub sees the connection closed by us.
    await expect.poll(() => stub.sockets.size).toBe(0);
  });

  it('a TLS server that never greets times out in the greeting phase', async () => {
    const { ca, good } = await testCerts();
    const stub = await track(startTlsStub({ cert: good }));
    const error = await failure(
      { host: 'localhost', port: stub.port, tls: 'implicit', ca: ca.cert },
      { greetingMs: 200 },
    );
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.phase).toBe('greeting');
  });

  it('a STARTTLS server that never greets times out', async () => {
    const stub = await track(startTcpStub(() => {}));
    const error = await failure(
      { host: '127.0.0.1', port: stub.port, tls: 'starttls' },
      { greetingMs: 200 },
    );
    expect(error.code).toBe('UPSTREAM_TIMEOUT');
    expect(error.phase).toBe('greeting');
  });

  it('an abort signal stops a pending connection', async () => {
    const stub = await track(startTcpStub(() => {}));
    const controller = new AbortController();
    const pending = connectUpstream(
      { host: '127.0.0.1', port: stub.port, tls: 'implicit' },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'UPSTREAM_ABORTED' });
  });
});

describe('connectUpstream: hostile greetings', () => {
  async function greetingFailure(greeting: string | Buffer): Promise<UpstreamError> {
    const { ca, good } = await testCerts();
    const stub = await track(startTlsStub({ cert: good, onSecure: (s) => s.write(greeting) }));
    return failure({ host: 'localhost', port: stub.port, tls: 'implicit', ca: ca.cert });
  }

  it.each([
    ['-ERR', '-ERR [SYS/TEMP] busy\r\n'],
    ['garbage', 'HTTP/1.1 200 OK\r\n'],
    ['a bare LF', '+OK hi\n'],
    ['a NUL', '+OK h\0i\r\n'],
    ['a SASL continuation', '+ \r\n'],
  ])('a greeting with %s → UPSTREAM_BAD_GREETING', async (_name, greeting) => {
    expect((await greetingFailure(greeting)).code).toBe('UPSTREAM_BAD_GREETING');
  });

  it('a greeting of 100,000 "<" without CRLF is refused at the line cap', async () => {
    const error = await greetingFailure(`+OK ${'<'.repeat(100_000)}`);
    expect(error.code).toBe('UPSTREAM_BAD_GREETING');
    expect(error.message).toMatch(/8192/);
  });

  it('caps the greeting at the status-line limit of the codec, not a figure of its own', () => {
    expect(MAX_GREETING_LINE).toBe(MAX_STATUS_LINE);
  });

  it('a server that closes instead of greeting → UPSTREAM_CLOSED', async () => {
    const { ca, good } = await testCerts();
    const stub = await track(startTlsStub({ cert: good, onSecure: (s) => s.end() }));
    const error = await failure({
      host: 'localhost',
      port: stub.port,
      tls: 'implicit',
      ca: ca.cert,
    });
    expect(error.code).toBe('UPSTREAM_CLOSED');
  });
});

describe('connectUpstream: STLS (RFC 2595)', () => {
  it('upgrades, verifies, and returns the original greeting', async () => {
    const { ca, good } = await testCerts();
    const stub = await track(
      startPop3Stub({ mode: 'starttls', cert: good, greeting: '+OK <1.2@stub> plain\r\n' }),
    );
    const connection = await connectUpstream({
      host: 'localhost',
      port: stub.port,
      tls: 'starttls',
      ca: ca.cert,
    });
    expect(text(connection.greeting)).toBe('+OK <1.2@stub> plain\r\n');
    expect(connection.tls.authorized).toBe(true);
    const reply = new Promise<Uint8Array>((resolve) => connection.receive(resolve));
    connection.socket.write('NOOP\r\n');
    const bytes = await reply;
    expect(text(bytes)).toBe('+OK\r\n');
    expect(Buffer.isBuffer(bytes)).toBe(false);
    expect(stub.lines).toEqual(['STLS', 'NOOP']);
    connection.socket.destroy();
  });

  it('fails closed when the server refuses STLS (never falls back to plaintext)', async () => {
    const { ca, good } = await testCerts();
    const stub = await track(
      startPop3Stub({ mode: 'starttls', cert: good, stlsReply: '-ERR not here\r\n' }),
    );
    const error = await failure({
      host: 'localhost',
      port: stub.port,
      tls: 'starttls',
      ca: ca.cert,
    });
    expect(error.code).toBe('UPSTREAM_STLS_FAILED');
    expect(stub.lines).toEqual(['STLS']);
  });

  it('refuses bytes injected after the STLS +OK, before the handshake', async () => {
    const { ca, good } = await testCerts();
    const stub = await track(
      startPop3Stub({
        mode: 'starttls',
        cert: good,
        stlsReply: '+OK begin\r\n+OK [injected] pretend logged in\r\n',
      }),
    );
    const error = await failure({
      host: 'localhost',
      port: stub.port,
      tls: 'starttls',
      ca: ca.cert,
    });
    expect(error.code).toBe('UPSTREAM_STLS_FAILED');
  });

  it('refuses bytes sent after the greeting before STLS', async () => {
    const { ca, good } = await testCerts();
    const stub = await track(
      startPop3Stub({ mode: 'starttls', cert: good, greeting: '+OK hi\r\n+OK more\r\n' }),
    );
    const error = await failure({
      host: 'localhost',
      port: stub.port,
      tls: 'starttls',
      ca: ca.cert,
    });
    expect(error.code).toBe('UPSTREAM_STLS_FAILED');
    expect(stub.lines).toEqual([]);
  });

  it('a self-signed certificate after STLS fails with its own code', async () => {
    const { ca, selfSigned } = await testCerts();
    const stub = await track(startPop3Stub({ mode: 'starttls', cert: selfSigned }));
    const error = await failure({
      host: 'localhost',
      port: stub.port,
      tls: 'starttls',
      ca: ca.cert,
    });
    expect(error.code).toBe('UPSTREAM_TLS_SELF_SIGNED');
  });
});
