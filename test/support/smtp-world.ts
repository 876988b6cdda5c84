// Helpers for SMTP tests through the gateway: open a submission session from
// a raw WebSocket client, a recording TCP proxy (optionally stripping
// STARTTLS from EHLO, the downgrade attack of RFC 3207 §6), and a MIME
// message built byte by byte so the test depends on no message builder.

import net from 'node:net';
import type { Harness } from './gateway-harness.ts';
import { TestClient } from './ws-client.ts';

/** Connect and open an SMTP session on `server`; resolves once `opened` and a 220 arrived. */
export async function openSmtp(harness: Harness, server: string): Promise<TestClient> {
  const client = await TestClient.connect(harness);
  client.sendText(JSON.stringify({ type: 'open', v: 1, server, service: 'smtp' }));
  await client.until(() => client.controls.length > 0 && /^220 .*\r\n/m.test(client.received));
  return client;
}

/** Open a session that the gateway must refuse; resolves with its error and close. */
export async function openRefused(harness: Harness, server: string) {
  const client = await TestClient.connect(harness);
  client.sendText(JSON.stringify({ type: 'open', v: 1, server, service: 'smtp' }));
  const closed = await client.closed;
  return { client, closed, error: client.controls.find((c) => c.type === 'error') };
}

/** AUTH PLAIN (RFC 4616) for `user`, initial response on the command line. */
export function authPlain(user: string, password: string): string {
  return `AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}\r\n`;
}

/** EHLO and AUTH; resolves once the server said 235. */
export async function signIn(client: TestClient, user: string, password: string): Promise<void> {
  await client.command('EHLO client.example\r\n', /^250 .*\r\n/m);
  await client.command(authPlain(user, password), /^235 /m);
}

export interface RecordingProxy {
  port: number;
  /** Everything the gateway sent towards the server, as latin1. */
  readonly sent: () => string;
  close(): Promise<void>;
}

/**
 * A TCP proxy to `target` that records what the client sends. With
 * `stripStartTls`, it removes STARTTLS from every EHLO reply, as an attacker
 * on the path would.
 */
export async function recordingProxy(
  target: { host: string; port: number },
  options: { stripStartTls?: boolean } = {},
): Promise<RecordingProxy> {
  let sent = '';
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      sent += chunk.toString('latin1');
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      const text = chunk.toString('latin1');
      const out = options.stripStartTls ? text.replace(/250-STARTTLS\r\n/gi, '') : text;
      client.write(Buffer.from(out, 'latin1'));
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) socket.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    sent: () => sent,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Attachment {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** Base64 in lines of 76 characters (RFC 2045 §6.8). */
function base64Lines(bytes: Uint8Array): string {
  return (
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
}

/** RFC 2047 encoded word, UTF-8 and base64. */
export function encodedWord(text: string): string {
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** A multipart/mixed message: UTF-8 text in base64 and each attachment in base64. */
export function buildMessage(options: {
  from: string;
  to: string;
  subject: string;
  text: string;
  attachments: Attachment[];
}): Buffer {
  const boundary = 'b0undary-7e3f';
  const parts = [
    `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(Buffer.from(options.text, 'utf8'))}\r\n`,
    ...options.attachments.map(
      (file) =>
        `Content-Type: ${file.type}; name="${file.name}"\r\nContent-Disposition: attachment; filename="${file.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(file.bytes)}\r\n`,
    ),
  ];
  const head = [
    `From: <${options.from}>`,
    `To: <${options.to}>`,
    `Subject: ${encodedWord(options.subject)}`,
    'Date: Tue, 08 Dec 2026 02:00:00 +0000',
    `Message-ID: <${Date.now()}.gw@example.test>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ].join('\r\n');
  const body = parts.map((part) => `--${boundary}\r\n${part}`).join('') + `--${boundary}--\r\n`;
  return Buffer.from(`${head}\r\n\r\n${body}`, 'latin1');
}

/** The decoded bytes of the attachment named `name` in a message built as above. */
export function attachmentBytes(message: string, name: string): Buffer | undefined {
  const at = message.indexOf(`filename="${name}"`);
  if (at < 0) return undefined;
  const start = message.indexOf('\r\n\r\n', at) + 4;
  const end = message.indexOf('\r\n--', start);
  return Buffer.from(message.slice(start, end).replace(/\r\n/g, ''), 'base64');
}

/** RFC 5321 §4.5.2: a line starting with "." gets one more. */
export function dotStuff(message: Buffer): Buffer {
  return Buffer.from(message.toString('latin1').replace(/^\./gm, '..'), 'latin1');
}
