// Opens a verified TLS connection to a submission server and reads its
// greeting: implicit TLS (port 465, RFC 8314 §3.3) or STARTTLS done here
// (RFC 3207), failing closed; optionally tells Postfix the real client
// address with XCLIENT first. Reuses upstream.ts for TCP, TLS, timeouts and
// error mapping; knows SMTP only as far as these handshakes, and nothing of
// WebSockets or the browser's commands.

import net from 'node:net';
import type tls from 'node:tls';
import { parseEhlo } from '../shared/smtp/ehlo.ts';
import { SmtpReplyParser, type SmtpReply } from '../shared/smtp/reply-parser.ts';
import type { SubmissionConfig } from './smtp-config.ts';
import {
  connectWith,
  type ConnectOptions,
  type UpstreamConnection,
  type UpstreamDialect,
} from './upstream.ts';
import { step, type Line, type Subscribe } from './upstream-steps.ts';
import { upstreamError, type UpstreamPhase } from './upstream-errors.ts';

/** A greeting or EHLO reply is a few dozen lines; anything larger is refused, not buffered. */
const REPLY_LIMITS = { maxLine: 4 * 1024, maxLines: 256 };
const LF = 0x0a;

interface Reply extends Line {
  reply: SmtpReply;
}

const FAILURE = {
  greeting: 'UPSTREAM_BAD_GREETING',
  starttls: 'UPSTREAM_STARTTLS_FAILED',
  xclient: 'UPSTREAM_XCLIENT_FAILED',
} as const;

/** Read one whole reply (RFC 5321 §4.2, multi-line joined); its raw bytes and what followed. */
function readReply(
  socket: net.Socket,
  chunks: Subscribe,
  phase: 'greeting' | 'starttls' | 'xclient',
  ms: number,
  signal: AbortSignal | undefined,
): Promise<Reply> {
  return step<Reply>(socket, phase, ms, signal, ({ resolve, reject }) => {
    const parts: Uint8Array[] = [];
    let done: SmtpReply | undefined;
    const parser = new SmtpReplyParser(
      {
        onReply: (reply) => (done ??= reply),
        onError: (error) =>
          reject(upstreamError(FAILURE[phase], `${phase} reply: ${error.message}`, phase)),
      },
      REPLY_LIMITS,
    );
    return chunks((chunk) => {
      // Line by line, so the reply's last byte is known and the rest kept apart.
      for (let pos = 0; pos < chunk.length;) {
        const lf = chunk.indexOf(LF, pos);
        const end = lf < 0 ? chunk.length : lf + 1;
        const segment = chunk.slice(pos, end);
        parts.push(segment);
        parser.push(segment);
        pos = end;
        if (done) {
          resolve({ reply: done, line: concat(parts), rest: chunk.slice(end) });
          return true;
        }
      }
      return false;
    });
  });
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function refuse(phase: UpstreamPhase & keyof typeof FAILURE, why: string): never {
  throw upstreamError(FAILURE[phase], why, phase);
}

/** RFC 5321 §4.1.3: the gateway names itself by its address literal, never a made-up name. */
function ehloLine(socket: net.Socket): string {
  const address = socket.localAddress ?? '127.0.0.1';
  return `EHLO [${net.isIPv6(address) ? `IPv6:${address}` : address}]\r\n`;
}

/** Postfix XCLIENT_README: `ADDR=` is an IPv4 address, or `IPV6:` and an IPv6 one. */
export function xclientLine(ip: string): string {
  const plain = ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (!net.isIP(plain))
    throw upstreamError('UPSTREAM_XCLIENT_FAILED', 'no client address', 'xclient');
  return `XCLIENT ADDR=${net.isIPv6(plain) ? `IPV6:${plain}` : plain}\r\n`;
}

function submissionDialect(clientIp: string | undefined): UpstreamDialect {
  return {
    async readGreeting(socket, chunks, ms, signal) {
      const greeting = await readReply(socket, chunks, 'greeting', ms, signal);
      // RFC 5321 §4.3.1: 220 opens the session; 554 refuses it.
      if (greeting.reply.code !== 220) refuse('greeting', `greeting ${greeting.reply.code}`);
      return greeting;
    },
    async requestTls(raw, chunks, greeting, ms, signal) {
      // RFC 3207 §4, CVE-2011-0411 class: nothing the server sends in
      // plaintext may be read after the handshake as if it came over TLS.
      if (greeting.rest.length > 0) refuse('starttls', 'bytes after the greeting');
      raw.write(ehloLine(raw));
      const ehlo = await readReply(raw, chunks, 'starttls', ms, signal);
      if (ehlo.reply.code !== 250 || !parseEhlo(ehlo.reply).startTls) {
        // Missing, or stripped by someone in the path: never go on in plaintext.
        refuse('starttls', 'the server does not offer STARTTLS');
      }
      if (ehlo.rest.length > 0) refuse('starttls', 'bytes after the EHLO reply');
      raw.write('STARTTLS\r\n');
      const ready = await readReply(raw, chunks, 'starttls', ms, signal);
      if (ready.reply.code !== 220) refuse('starttls', `STARTTLS answered ${ready.reply.code}`);
      // Anything after the 220 came before the handshake: it is dropped, and
      // what the plaintext EHLO said is forgotten (RFC 3207 §4.2).
    },
    ...(clientIp === undefined
      ? {}
      : {
          prepare: (secure, chunks, ms, signal) =>
            sendXclient(secure, chunks, clientIp, ms, signal),
        }),
  };
}

/**
 * Postfix XCLIENT_README: from a host in `smtpd_authorized_xclient_hosts`,
 * XCLIENT replaces the client's attributes and the server answers with a new
 * 220 greeting, which is what the browser then sees. Sent only when offered.
 */
async function sendXclient(
  secure: tls.TLSSocket,
  chunks: Subscribe,
  ip: string,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<Line | undefined> {
  const command = xclientLine(ip);
  secure.write(ehloLine(secure));
  const ehlo = await readReply(secure, chunks, 'xclient', ms, signal);
  const params =
    ehlo.reply.code === 250 ? parseEhlo(ehlo.reply).keywords.get('XCLIENT') : undefined;
  if (ehlo.rest.length > 0) refuse('xclient', 'bytes after the EHLO reply');
  if (!params?.some((name) => name.toUpperCase() === 'ADDR')) return undefined;
  secure.write(command);
  const greeting = await readReply(secure, chunks, 'xclient', ms, signal);
  if (greeting.reply.code !== 220) refuse('xclient', `XCLIENT answered ${greeting.reply.code}`);
  return greeting;
}

/**
 * Connect to `target`'s submission server. Plaintext is never an option:
 * every path ends in a verified TLS socket or an UpstreamError. With
 * `isXclient`, `clientIp` is told to the server before the browser speaks.
 */
export function connectSubmission(
  target: SubmissionConfig,
  options: ConnectOptions & { clientIp?: string } = {},
): Promise<UpstreamConnection> {
  const ip = target.isXclient ? (options.clientIp ?? '') : undefined;
  return connectWith(submissionDialect(ip), target, options);
}
