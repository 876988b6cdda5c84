// One browser WebSocket ↔ one verified TLS POP3 connection: the open
// handshake, the line guard on client→server bytes, the auth watch on
// server→client bytes until TRANSACTION, backpressure both ways, quotas,
// idle and lifetime timers, and symmetric teardown. Never sends a POP3
// command of its own (SECURITY.md amendment to item 19: no QUIT on idle).

import type { TLSSocket } from 'node:tls';
import { WebSocket, type RawData } from 'ws';
import { AuthWatch, type AuthEvent } from '../shared/bridge/auth-watch.ts';
import { decodeClientMessage, encodeGatewayMessage } from '../shared/bridge/codec.ts';
import { LineGuard, type CheckedLine } from '../shared/bridge/line-guard.ts';
import type { GatewayMessage } from '../shared/bridge/messages.ts';
import type { Config, UpstreamConfig } from './config.ts';
import { sessionEnding, type SessionErrorCode } from './errors.ts';
import { logAuthFailure, logSessionClose, logSessionOpen, type Logger } from './logging.ts';
import type { Metrics } from './metrics.ts';
import type { Throttle } from './throttle.ts';
import { Downstream } from './downstream.ts';
import { connectUpstream } from './upstream.ts';
import { UpstreamError } from './upstream-errors.ts';

export interface RelayDeps {
  config: Pick<Config, 'upstreams' | 'limits'>;
  logger: Logger;
  metrics: Metrics;
  throttle: Throttle;
  connect?: typeof connectUpstream;
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
  private readonly guard = new LineGuard();
  private readonly watch = new AuthWatch(this.guard);
  private isWatching = true;
  private bytesUp = 0;
  private bytesDown = 0;
  private readonly startedAt = performance.now();
  private isAlive = true;
  private hasSentQuit = false;
  private isClientPaused = false;
  private user: string | undefined;
  private errorCode: SessionErrorCode | undefined;
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly downstream: Downstream;

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

  /** SECURITY.md 18: called every heartbeat; a peer silent since the last ping is dropped. */
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
      void this.open(message.server);
      return;
    }
    if (this.state === 'closing' || this.state === 'closed') return;
    this.fail('BRIDGE_BAD_MESSAGE', isBinary ? 'POP3 bytes before "opened"' : 'unexpected text');
  }

  private async open(serverId: string): Promise<void> {
    const target = this.deps.config.upstreams.find((upstream) => upstream.id === serverId);
    if (!target) return this.fail('GATEWAY_UNKNOWN_SERVER');
    this.state = 'connecting';
    this.target = target;
    const { limits } = this.deps.config;
    try {
      const connection = await (this.deps.connect ?? connectUpstream)(target, {
        signal: this.abort.signal,
        timeouts: {
          connectMs: limits.connectTimeoutMs,
          handshakeMs: limits.handshakeTimeoutMs,
          greetingMs: limits.greetingTimeoutMs,
        },
      });
      if (this.state !== 'connecting') {
        connection.socket.destroy();
        return;
      }
      this.upstream = connection.socket;
      this.tls = { protocol: connection.tls.protocol, cipher: connection.tls.cipher };
      this.state = 'open';
      this.deps.metrics.upstreamConnected(target.id, connection.connectMs / 1000);
      logSessionOpen(this.deps.logger, { ...this.facts(), connectMs: connection.connectMs });
      this.sendControl({ type: 'opened', v: 1, server: target.id, tls: this.tls });
      this.bytesDown += connection.greeting.length;
      this.deps.metrics.bytes('down', connection.greeting.length);
      this.downstream.push(connection.greeting);
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
        this.ws.resume();
      }
    });
    socket.on('error', (error) => this.deps.logger.debug({ sid: this.sid, err: error }, 'tls'));
    socket.on('close', () => {
      if (this.state !== 'open') return;
      this.downstream.flush();
      // After the user's own QUIT (RFC 1939 §6) the server hangs up: a normal end.
      if (this.hasSentQuit) {
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
    const result = this.guard.push(bytes);
    if (result.error) return this.fail(result.error.code, result.error.message);
    if (result.lines.length === 0) return;
    if (!this.checkLines(result.lines)) return;
    const pending = this.isWatching ? this.watch.sent(result.lines) : undefined;
    if (pending) return this.fail(pending.code, pending.message);
    const out = result.lines.length === 1 ? result.lines[0]!.bytes : concat(result.lines);
    // SECURITY.md 16, client→server: stop reading frames until TLS drains.
    if (!this.upstream?.write(out) && !this.isClientPaused) {
      this.isClientPaused = true;
      this.ws.pause();
    }
  }

  private checkLines(lines: readonly CheckedLine[]): boolean {
    for (const line of lines) {
      if (line.verb === 'QUIT') this.hasSentQuit = true;
      if (!line.user) continue;
      this.user = line.user;
      // Item 28: one account guessed from many addresses is refused too.
      if (this.target && this.deps.throttle.isUserBlocked(this.target.id, line.user)) {
        this.fail('GATEWAY_RATE_LIMITED');
        return false;
      }
    }
    return true;
  }

  /** `chunk` is a view reused after the call: the watch gets a copy, Downstream copies. */
  private onServerBytes(chunk: Uint8Array): void {
    this.bytesDown += chunk.length;
    this.deps.metrics.bytes('down', chunk.length);
    if (this.bytesDown > this.deps.config.limits.maxBytesDown) return this.fail('GATEWAY_QUOTA');
    if (this.isWatching) {
      const { events, error } = this.watch.receive(chunk.slice());
      for (const event of events) this.onAuthEvent(event);
      // Once in TRANSACTION: no more parsing, just relaying (issue 3).
      if (this.watch.isTransaction || error) this.isWatching = false;
      if (error) {
        this.downstream.push(chunk);
        return this.fail(error.code, error.message);
      }
    }
    this.downstream.push(chunk);
  }

  private onAuthEvent(event: AuthEvent): void {
    if (event.user) this.user = event.user;
    if (event.kind !== 'auth-failed' || !this.target) return;
    const { ip, sid } = this.context;
    this.deps.throttle.recordAuthFailure(ip, this.target.id, event.user);
    this.deps.metrics.authFailed(this.target.id);
    logAuthFailure(this.deps.logger, {
      sid,
      ip,
      target: this.target.id,
      user: event.user,
      verb: event.verb,
    });
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
      ...(this.tls ? { tls: this.tls } : {}),
    };
  }

  /** The WebSocket is closed (by either side): tear everything down, log once. */
  private finish(code: number, reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    for (const timer of this.timers) clearTimeout(timer);
    this.destroyUpstream();
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

function concat(lines: readonly CheckedLine[]): Buffer {
  return Buffer.concat(lines.map((line) => line.bytes));
}
