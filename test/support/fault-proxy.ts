// A POP3 fault proxy for tests: terminates the gateway's TLS with its own CA,
// re-originates verified TLS to the real server, forwards bytes, follows the
// command/reply pairs with the shared codec, and cuts both sides at a chosen point.

import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import {
  parseCommandLine,
  replyShape,
  ReplyParser,
  type ExpectedShape,
  type Pop3Verb,
  type StatusLine,
} from '../../shared/pop3/index.ts';
import { createCa, createServerCert } from '../../server/tls/certificates.ts';
import type { Upstream } from './app-server.ts';

/**
 * Where a rule cuts, relative to the matched command:
 * - `before`: the command never reaches the server;
 * - `sent`: the command is forwarded and both sides are cut at once (the server may or may not act);
 * - `unanswered`: the server answers, but none of the reply reaches the client;
 * - `mid-reply`: part of the reply reaches the client (`bytes`, default half);
 * - `after-reply`: the whole reply reaches the client, then nothing more.
 */
export type CutPoint = 'before' | 'sent' | 'unanswered' | 'mid-reply' | 'after-reply';

/** `GREETING` stands for the reply nobody asked for; `SASL` for a response to a `+ ` challenge. */
export type FaultVerb = Pop3Verb | 'GREETING';

export interface FaultRule {
  verb: FaultVerb;
  at: CutPoint;
  /** Match only on connections opened after the rule was armed (a reconnect's session start). */
  isNewOnly?: boolean;
  /** `mid-reply`: how many reply bytes reach the client before the cut; default half. */
  bytes?: number;
}

/** One command and what the server answered, as the proxy saw them. */
export interface Exchange {
  verb: FaultVerb;
  /** The command line; only the verb for AUTH, SASL, USER, PASS and APOP (no secrets kept). */
  line: string;
  status?: StatusLine['kind'];
  /** The dot-stuffed body of a LIST or UIDL listing. */
  body?: string;
  /** Set on the exchange where a rule cut the connection. */
  cut?: CutPoint;
}

export interface ProxyConnection {
  id: number;
  exchanges: Exchange[];
  isClosed: boolean;
}

export interface FaultProxy {
  /** What the gateway's upstream configuration should name. */
  upstream: Upstream;
  /** Every connection so far, oldest first. */
  connections: ProxyConnection[];
  /** Arm a one-shot rule; resolves with the connection it cut, once it fired. */
  arm(rule: FaultRule): Promise<ProxyConnection>;
  /** Rules armed and not yet fired. */
  armed(): number;
  /** Cut every open connection now, in both directions. */
  cutAll(): void;
  /** Point at another server (the same one restarted elsewhere). */
  retarget(target: Upstream): void;
  close(): Promise<void>;
}

interface Armed {
  rule: FaultRule;
  /** Connections with an id above this one may match an `isNewOnly` rule. */
  after: number;
  fired: (connection: ProxyConnection) => void;
}

const SECRET_VERBS = new Set<FaultVerb>(['AUTH', 'SASL', 'USER', 'PASS', 'APOP']);
const LISTINGS = new Set<FaultVerb>(['LIST', 'UIDL']);
const LF = 0x0a;

/** Start a proxy on a loopback port in front of `target` (its CA verifies the server). */
export async function startFaultProxy(target: Upstream): Promise<FaultProxy> {
  const ca = await createCa('Fault proxy test CA');
  const cert = await createServerCert({ names: ['localhost', '127.0.0.1'], ca });
  let upstreamTarget = target;
  const connections: ProxyConnection[] = [];
  const live = new Set<() => void>();
  let rules: Armed[] = [];

  const take = (connection: ProxyConnection, verb: FaultVerb): Armed | undefined => {
    const match = rules.find(
      (armed) => armed.rule.verb === verb && (!armed.rule.isNewOnly || connection.id > armed.after),
    );
    if (match) rules = rules.filter((armed) => armed !== match);
    return match;
  };

  const server = tls.createServer({ key: cert.key, cert: cert.cert }, (down) => {
    const connection: ProxyConnection = {
      id: connections.length + 1,
      exchanges: [],
      isClosed: false,
    };
    connections.push(connection);
    const up = tls.connect({
      host: upstreamTarget.host,
      port: upstreamTarget.port,
      ca: upstreamTarget.ca,
      servername: upstreamTarget.servername,
    });
    const cut = (): void => {
      connection.isClosed = true;
      live.delete(cut);
      down.destroy();
      up.destroy();
    };
    live.add(cut);
    down.on('error', cut).on('close', () => up.end());
    up.on('error', cut).on('close', () => {
      connection.isClosed = true;
      live.delete(cut);
      down.end();
    });

    // Replies in command order; the head is the one the server is sending now.
    const awaiting: Array<{ exchange: Exchange; armed?: Armed }> = [];
    const held: number[] = [];
    let body = '';
    let isEnded = false;
    let isSaslTurn = false;
    let lastStatus: StatusLine | undefined;
    const parser = new ReplyParser({
      onStatus: (status) => {
        lastStatus = status;
        const head = awaiting[0];
        if (head) head.exchange.status = status.kind;
      },
      onData: (chunk) => {
        if (LISTINGS.has(awaiting[0]?.exchange.verb ?? 'NOOP')) {
          body += Buffer.from(chunk).toString('latin1');
        }
      },
      onEnd: () => (isEnded = true),
      onError: cut,
    });

    const expect = (exchange: Exchange, shape: ExpectedShape, armed?: Armed): void => {
      connection.exchanges.push(exchange);
      awaiting.push({ exchange, armed });
      parser.expect(shape);
    };
    const fire = (armed: Armed, exchange: Exchange): void => {
      exchange.cut = armed.rule.at;
      cut();
      armed.fired(connection);
    };
    // Relay nothing more from here on, then cut once `last` is on its way: bytes that
    // arrive meanwhile (the next pipelined reply) must not reach the other side.
    const fireAfter = (
      last: (done: () => void) => void,
      armed: Armed,
      exchange: Exchange,
    ): void => {
      connection.isClosed = true;
      up.pause();
      down.pause();
      last(() => fire(armed, exchange));
    };

    const greeting: Exchange = { verb: 'GREETING', line: '' };
    expect(greeting, 'greeting', take(connection, 'GREETING'));

    // Forwards `out`, then runs `then` once those bytes are on their way.
    const forward = (out: number[], then?: () => void): void => {
      if (out.length === 0) return then?.();
      down.write(Buffer.from(out), then);
    };

    // Server → client, one byte at a time through the parser so a cut lands on the exact byte.
    up.on('data', (chunk: Buffer) => {
      const out: number[] = [];
      for (let i = 0; i < chunk.length && !connection.isClosed; i++) {
        const head = awaiting[0];
        const armed = head?.armed;
        if (head && armed?.rule.at === 'unanswered') {
          return fireAfter((done) => forward(out, done), armed, head.exchange);
        }
        const byte = chunk[i] ?? 0;
        // Bytes of a reply a `mid-reply` rule will cut are held until it is complete.
        if (armed?.rule.at === 'mid-reply') held.push(byte);
        else out.push(byte);
        parser.push(chunk.subarray(i, i + 1));
        if (!isEnded) continue;
        isEnded = false;
        awaiting.shift();
        if (head && LISTINGS.has(head.exchange.verb)) head.exchange.body = body;
        body = '';
        isSaslTurn = lastStatus?.kind === 'continue';
        if (!head || !armed) continue;
        if (armed.rule.at === 'mid-reply') {
          const part = Math.min(armed.rule.bytes ?? Math.floor(held.length / 2), held.length - 1);
          out.push(...held.slice(0, part));
        }
        return fireAfter((done) => forward(out, done), armed, head.exchange);
      }
      if (!connection.isClosed) forward(out);
    });

    // Client → server, line by line, so a rule can stop a pipelined command mid-chunk.
    let partial = Buffer.alloc(0);
    const pendingUp: Array<[Buffer, (() => void) | undefined]> = [];
    let isUpReady = false;
    const send = (bytes: Buffer, done?: () => void): void => {
      if (isUpReady) up.write(bytes, done);
      else pendingUp.push([bytes, done]);
    };
    up.once('secureConnect', () => {
      isUpReady = true;
      for (const [bytes, done] of pendingUp.splice(0)) up.write(bytes, done);
    });
    down.on('data', (chunk: Buffer) => {
      partial = Buffer.concat([partial, chunk]);
      let at: number;
      while (!connection.isClosed && (at = partial.indexOf(LF)) >= 0) {
        const raw = partial.subarray(0, at + 1);
        partial = partial.subarray(at + 1);
        const text = raw.toString('latin1').replace(/\r?\n$/, '');
        const command = parseCommandLine(text, { isSaslResponse: isSaslTurn });
        const verb: FaultVerb =
          command instanceof Error ? (text.split(' ')[0]?.toUpperCase() as Pop3Verb) : command.verb;
        const shape = command instanceof Error ? 'single' : replyShape(command);
        isSaslTurn = false;
        const exchange: Exchange = { verb, line: SECRET_VERBS.has(verb) ? verb : text };
        const armed = take(connection, verb);
        if (armed?.rule.at === 'before') {
          connection.exchanges.push(exchange);
          return fire(armed, exchange);
        }
        expect(exchange, shape, armed);
        if (armed?.rule.at === 'sent') {
          // Flushed to the kernel first, so the server can read it before the cut.
          return fireAfter((done) => send(Buffer.from(raw), done), armed, exchange);
        }
        send(Buffer.from(raw));
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    upstream: { host: '127.0.0.1', port, ca: ca.cert, servername: 'localhost' },
    connections,
    arm(rule) {
      return new Promise((resolve) => {
        rules.push({ rule, after: connections.length, fired: resolve });
      });
    },
    armed: () => rules.length,
    cutAll() {
      for (const cut of [...live]) cut();
    },
    retarget(next) {
      upstreamTarget = next;
    },
    async close() {
      rules = [];
      for (const cut of [...live]) cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Checks that every DELE the proxy saw named `uidl` by the number that session's own
 * UIDL listing gave it (throws otherwise); returns how many DELEs each connection sent.
 */
export function deleCounts(proxy: FaultProxy, uidl: string): number[] {
  return proxy.connections.map((connection) => {
    const numbers = new Map<string, string>();
    let deles = 0;
    for (const exchange of connection.exchanges) {
      if (exchange.verb === 'UIDL' && exchange.body !== undefined) {
        for (const line of exchange.body.split('\r\n')) {
          const [msg, id] = line.split(' ');
          if (msg && id) numbers.set(msg, id);
        }
      }
      if (exchange.verb !== 'DELE') continue;
      deles++;
      const named = numbers.get(exchange.line.split(' ')[1] ?? '');
      if (named !== uidl) {
        throw new Error(
          `connection ${connection.id}: ${exchange.line} named ${named}, not ${uidl}`,
        );
      }
    }
    return deles;
  });
}
