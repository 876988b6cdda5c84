// One browser WebSocket ↔ one verified TLS connection, POP3 or SMTP
// submission: the open handshake, backpressure both ways, quotas, idle and
// lifetime timers, login delays and symmetric teardown, the same for both;
// what the bytes may be is the protocol side's (pop3-relay.ts,
// smtp-relay.ts). Never sends a command of its own (docs/security.md
// #19: no QUIT on idle).

import type { TLSSocket } from 'node:tls';
import { WebSocket, type RawData } from 'ws';
import { decodeClientMessage, encodeGatewayMessage } from '../shared/bridge/codec.ts';
import type { GatewayMessage, Service } from '../shared/bridge/messages.ts';
import type { Config, UpstreamConfig } from './config.ts';
import { sessionEnding, type SessionErrorCode } from './errors.ts';
import { logSessionClose, logSessionOpen, type Logger } from './logging.ts';
import type { Metrics } from './metrics.ts';
import type { Ban, Throttle } from './throttle.ts';
import { Downstream } from './downstream.ts';
import type { SendQuota } from './send-quota.ts';
import { connectSubmission } from './smtp-upstream.ts';
import { Pop3Session } from './pop3-relay.ts';
import type { ProtocolSession, SessionHost } from './relay-session.ts';
import { SmtpSession } from './smtp-relay.ts';
import { connectUpstream, type UpstreamConnection } from './upstream.ts';
import { UpstreamError } from './upstream-errors.ts';

export interface RelayDeps {
  config: Pick<Config, 'upstreams' | 'limits'>;
  logger: Logger;
  metrics: Metrics;
  throttle: Throttle;
  sendQuota: SendQuota;
  connect?: typeof connectUpstream;
  connectSubmission?: typeof connectSubmission;
  /** Called once, after the WebSocket closed and the upstream is destroyed. */
  onEnd: (relay: Relay) => void;
}

export interface RelayContext {
  sid: string;
  ip: string;
  origin: string | undefined;
}

type State = 'awaiting-open' | 'connecting' | 'open' | 'closing' | 'closed';

export class Relay {
  private state: State = 'awaiting-open';
  private upstream: TLSSocket | undefined;
  private target: UpstreamConfig | undefined;
  private tls: { protocol: string; cipher: string } | undefined;
  private bytesUp = 0;
  private bytesDown = 0;
  private readonly startedAt = performance.now();
  private isAlive = true;
  private isClientPaused = false;
  private user: string | undefined;
  private holdTimer: NodeJS.Timeout | undefined;
  private closedByUpstream = false;
  private errorCode: SessionErrorCode | undefined;
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly downstream: Downstream;
  /** What the bytes may be: POP3 or SMTP, chosen by the open message. */
  private session: ProtocolSession | undefined;

  constructor(
    private readonly ws: WebSocket,
    readonly context: RelayContext,
    private readonly deps: RelayDeps,
  ) {
    const { limits } = deps.config;
    this.downstream = new Downstream(ws, limits.highWaterMark, limits.lowWaterMark);
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.isAlive = true));
    ws.on('close', (code, reason) => this.finish(code, reason.toString()));
    ws.on('error', (error) => deps.logger.debug({ sid: context.sid, err: error }, 'ws error'));
    this.timers.push(
      setTimeout(() => this.fail('GATEWAY_IDLE', 'no open message'), limits.openTimeoutMs),
      setTimeout(() => this.fail('GATEWAY_SESSION_EXPIRED'), limits.maxSessionMs),
    );
  }

  get sid(): string {
    return this.context.sid;
  }

  /** Counters for tests and benchmarks; `maxBuffered` is the peak ws.bufferedAmount. */
  get stats(): { state: string; bytesUp: number; bytesDown: number; maxBuffered: number } {
    const { state, bytesUp, bytesDown } = this;
    return { state, bytesUp, bytesDown, maxBuffered: this.downstream.maxBuffered };
  }

  /** docs/security.md #18: called every heartbeat; a peer silent since the last ping is dropped. */
  heartbeat(): void {
    if (this.state === 'closed') return;
    if (!this.isAlive) {
      this.ws.terminate();
      return;
    }
    this.isAlive = false;
    this.ws.ping();
  }

  /** Tell the browser to reconnect elsewhere; the bridge closes us after its grace period. */
  goingAway(reconnectAfterMs: number): void {
    this.sendControl({ type: 'going-away', v: 1, reconnectAfterMs });
  }

  /** End the session with `code`: error message, close code, upstream destroyed (no QUIT). */
  fail(code: SessionErrorCode, detail?: string): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    this.errorCode = code;
    // What the server already said reaches the browser before the error.
    this.downstream.flush();
    const ending = sessionEnding(code, detail);
    this.sendControl({ type: 'error', v: 1, code, message: ending.message });
    this.ws.close(ending.closeCode, ending.reason);
    this.destroyUpstream();
  }

  private sendControl(message: GatewayMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(encodeGatewayMessage(message));
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    this.isAlive = true;
    if (this.state === 'open' && isBinary) return this.onClientBytes(data as Buffer);
    if (this.state === 'awaiting-open' && !isBinary) {
      const message = decodeClientMessage((data as Buffer).toString('utf8'));
      if (message instanceof Error) return this.fail(message.code, message.message);
      clearTimeout(this.timers[0]);
      void this.open(message.server, message.service ?? 'pop3');
      return;
    }
    if (this.state === 'closing' || this.state === 'closed') return;
    this.fail('BRIDGE_BAD_MESSAGE', isBinary ? 'POP3 bytes before "opened"' : 'unexpected text');
  }

  private async open(serverId: string, service: Service): Promise<void> {
    const target = this.deps.config.upstreams.find((upstream) => upstream.id === serverId);
    if (!target) {
      this.fail('GATEWAY_UNKNOWN_SERVER');
      return;
    }
    // docs/security.md #62: only the submission host configured for this server.
    if (service === 'smtp' && !target.smtp) {
      this.fail('GATEWAY_SENDING_OFF');
      return;
    }
    this.state = 'connecting';
    this.target = target;
    const { limits } = this.deps.config;
    try {
      const options = {
        signal: this.abort.signal,
        timeouts: {
          connectMs: limits.connectTimeoutMs,
          handshakeMs: limits.handshakeTimeoutMs,
          greetingMs: limits.greetingTimeoutMs,
        },
      };
      const connection: UpstreamConnection =
        service === 'smtp' && target.smtp
          ? await (this.deps.connectSubmission ?? connectSubmission)(target.smtp, {
              ...options,
              clientIp: this.context.ip,
            })
          : await (this.deps.connect ?? connectUpstream)(target, options);
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- the relay may have been closed while the connect was awaited
      if (this.state !== 'connecting') {
        connection.socket.destroy();
        return;
      }
      this.upstream = connection.socket;
      this.tls = { protocol: connection.tls.protocol, cipher: connection.tls.cipher };
      this.state = 'open';
      this.deps.metrics.upstreamConnected(target.id, connection.connectMs / 1000);
      logSessionOpen(this.deps.logger, { ...this.facts(), connectMs: connection.connectMs });
      const host = this.sessionHost(target);
      this.session = service === 'smtp' ? new SmtpSession(host, limits) : new Pop3Session(host);
      this.sendControl({ type: 'opened', v: 1, server: target.id, tls: this.tls });
      this.bytesDown += connection.greeting.length;
      this.deps.metrics.bytes('down', connection.greeting.length);
      this.session.greet(connection.greeting);
      this.downstream.setSource(connection.socket);
      this.wireUpstream(connection.socket);
      connection.receive((bytes) => this.onServerBytes(bytes));
      this.idleTimer = setTimeout(() => this.fail('GATEWAY_IDLE'), limits.idleTimeoutMs);
      this.timers.push(this.idleTimer);
    } catch (error) {
      if (this.state !== 'connecting') return;
      const code = error instanceof UpstreamError ? error.code : 'GATEWAY_INTERNAL';
      this.deps.logger.info(
        { sid: this.sid, target: target.id, code, detail: (error as Error).message },
        'upstream failed',
      );
      this.fail(code);
    }
  }

  private wireUpstream(socket: TLSSocket): void {
    socket.on('drain', () => {
      if (this.isClientPaused && this.state === 'open') {
        this.isClientPaused = false;
        if (!this.holdTimer) this.ws.resume();
      }
    });
    socket.on('error', (error) => this.deps.logger.debug({ sid: this.sid, err: error }, 'tls'));
    socket.on('close', () => {
      if (this.state !== 'open') return;
      this.downstream.flush();
      this.closedByUpstream = true;
      // After the user's own QUIT (RFC 1939 §6, RFC 5321 §4.1.1.10) the server hangs up: a normal end.
      if (this.session?.hasQuit) {
        this.state = 'closing';
        this.ws.close(1000, 'bye');
      } else this.fail('UPSTREAM_CLOSED');
    });
  }

  private onClientBytes(bytes: Buffer): void {
    this.idleTimer?.refresh();
    this.bytesUp += bytes.length;
    this.deps.metrics.bytes('up', bytes.length);
    if (this.bytesUp > this.deps.config.limits.maxBytesUp) return this.fail('GATEWAY_QUOTA');
    this.session?.onClientBytes(bytes);
  }

  /** The growing delay after failed logins: hold this line and every later one. */
  private hold(ms: number, then: () => void): void {
    this.ws.pause();
    this.holdTimer = setTimeout(() => {
      this.holdTimer = undefined;
      if (this.state !== 'open') return;
      if (!this.isClientPaused) this.ws.resume();
      then();
    }, ms);
    this.timers.push(this.holdTimer);
  }

  private writeUp(out: readonly Uint8Array[]): void {
    const [only] = out;
    const bytes = out.length === 1 && only ? only : Buffer.concat(out);
    // docs/security.md #16, client→server: stop reading frames until TLS drains.
    if (!this.upstream?.write(bytes) && !this.isClientPaused) {
      this.isClientPaused = true;
      this.ws.pause();
    }
  }

  /** A ban was just decided: the protocol side knows whether it is still signing in. */
  onBan(ban: Ban): void {
    this.session?.onBan(ban);
  }

  /** `chunk` is a view reused after the call: the watch gets a copy, Downstream copies. */
  private onServerBytes(chunk: Uint8Array): void {
    this.bytesDown += chunk.length;
    this.deps.metrics.bytes('down', chunk.length);
    if (this.bytesDown > this.deps.config.limits.maxBytesDown) return this.fail('GATEWAY_QUOTA');
    this.session?.onServerBytes(chunk);
  }

  private destroyUpstream(): void {
    this.abort.abort();
    this.upstream?.destroy();
  }

  private facts() {
    return {
      sid: this.sid,
      ip: this.context.ip,
      origin: this.context.origin,
      target: this.target?.id,
      ...(this.session instanceof SmtpSession ? { service: 'smtp' as const } : {}),
      ...(this.tls ? { tls: this.tls } : {}),
    };
  }

  /** The narrow view of this relay the protocol side works through. */
  private sessionHost(target: UpstreamConfig): SessionHost {
    const isOpen = (): boolean => this.state === 'open';
    const isHeld = (): boolean => this.holdTimer !== undefined;
    return {
      sid: this.sid,
      ip: this.context.ip,
      target,
      deps: this.deps,
      get isOpen() {
        return isOpen();
      },
      get isHeld() {
        return isHeld();
      },
      writeUp: (out) => {
        if (out.length > 0 && this.upstream && !this.upstream.destroyed) this.writeUp(out);
      },
      pushDown: (bytes) => this.downstream.push(bytes),
      fail: (code, detail) => this.fail(code, detail),
      hold: (ms, then) => this.hold(ms, then),
      setUser: (user) => (this.user = user),
    };
  }

  /** The WebSocket is closed (by either side): tear everything down, log once. */
  private finish(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const timer of this.timers) clearTimeout(timer);
    this.destroyUpstream();
    const isServerSide =
      this.errorCode !== undefined &&
      (this.errorCode.startsWith('UPSTREAM_') ||
        this.errorCode === 'BRIDGE_SERVER_PROTOCOL' ||
        this.errorCode === 'GATEWAY_GOING_AWAY');
    this.session?.finish(isServerSide || this.closedByUpstream);
    this.deps.metrics.sessionClosed(code, reason || String(code));
    logSessionClose(this.deps.logger, {
      ...this.facts(),
      bytesUp: this.bytesUp,
      bytesDown: this.bytesDown,
      durationMs: Math.round(performance.now() - this.startedAt),
      closeCode: code,
      closeReason: reason,
      ...(this.errorCode ? { errorCode: this.errorCode } : {}),
      ...(this.user ? { user: this.user } : {}),
    });
    this.deps.onEnd(this);
  }
}
