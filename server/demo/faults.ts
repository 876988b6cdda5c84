// Fault injection for tests: what a hostile or broken POP3 server may do.
// Only the option shapes and the byte budget; connection.ts applies them.

import type { Pop3Command } from '../../shared/pop3/command.ts';

/**
 * Raw bytes sent as several writes, then what the server does next. For what
 * one write cannot show: a terminator split across TLS records, a reply cut
 * short by a close, or a reply that stops halfway and hangs.
 */
export interface DemoScriptedReply {
  chunks: readonly (Uint8Array | string)[];
  /** Pause between chunks so that each leaves in its own TLS record. Default 0. */
  gapMs?: number;
  /**
   * After the last chunk: serve on ('continue', the default), end the session
   * with a FIN ('close'), or answer nothing more ('stall', as the action).
   */
  then?: 'continue' | 'close' | 'stall';
}

/**
 * What a fault hook may do with one command: 'drop', 'stall', raw bytes or
 * text to send, a DemoScriptedReply, or undefined. (`string & {}` keeps the
 * two names visible.)
 */
export type DemoFaultAction =
  'drop' | 'stall' | (string & {}) | Uint8Array | DemoScriptedReply | undefined;

/** Where a command arrived, for DemoFaults.onCommand. */
export interface DemoCommandContext {
  /** 0 for the first session the server accepted, then 1, 2, … */
  sessionIndex: number;
  /** 0 for the session's first well-formed command (SASL responses count), then 1, 2, … */
  commandIndex: number;
  /** The signed-in user, else the name a pending USER gave, else undefined. */
  user?: string;
}

/** Misbehaviour to inject; each field is off when absent. */
export interface DemoFaults {
  /** Delay every reply (greeting and SASL challenges included) by this many ms. */
  replyDelayMs?: number;
  /**
   * Close the TCP connection abruptly after this many bytes were sent to the
   * client (POP3 bytes, counted across the session, STLS included). 0 closes
   * before the greeting.
   */
  dropAfterBytes?: number;
  /**
   * Replace the reply to a command: return bytes/string (or a
   * DemoScriptedReply) to send raw instead of the normal reply (the command
   * is then not carried out), 'drop' to
   * destroy the socket, 'stall' to never answer it nor anything after it, or
   * undefined for normal behaviour. Not called for lines that do not parse.
   */
  onCommand?: (command: Pop3Command, context: DemoCommandContext) => DemoFaultAction;
  /** Raw bytes sent instead of the normal greeting (e.g. an endless line, or data before it). */
  greeting?: Uint8Array | string;
}

/** The bytes a session may still send under DemoFaults.dropAfterBytes. */
export class SendBudget {
  #left: number;

  constructor(limit: number | undefined) {
    this.#left = limit ?? Infinity;
  }

  get isExhausted(): boolean {
    return this.#left <= 0;
  }

  /** Spend up to `wanted` bytes; returns how many may go out. */
  take(wanted: number): number {
    const granted = Math.min(wanted, this.#left);
    this.#left -= granted;
    return granted;
  }
}
