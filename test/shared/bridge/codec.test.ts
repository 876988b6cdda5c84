// Control messages: round trips, and every malformed input becomes a typed
// BRIDGE_BAD_MESSAGE value, never an exception (docs/security.md #8).

import { describe, expect, it } from 'vitest';
import {
  decodeClientMessage,
  decodeGatewayMessage,
  encodeClientMessage,
  encodeGatewayMessage,
  MAX_CONTROL_MESSAGE,
} from '../../../shared/bridge/codec.ts';
import { BridgeError } from '../../../shared/bridge/errors.ts';
import {
  CLOSE_CODE_INFO,
  CLOSE_CODES,
  closeCodeInfo,
  type GatewayMessage,
} from '../../../shared/bridge/messages.ts';

describe('client messages', () => {
  it('round-trips an open message', () => {
    const text = encodeClientMessage({ type: 'open', v: 1, server: 'main' });
    expect(JSON.parse(text)).toEqual({ type: 'open', v: 1, server: 'main' });
    expect(decodeClientMessage(text)).toEqual({
      type: 'open',
      v: 1,
      server: 'main',
      service: 'pop3',
    });
  });

  it('names the SMTP service, and only a known one', () => {
    const text = encodeClientMessage({ type: 'open', v: 1, server: 'main', service: 'smtp' });
    expect(JSON.parse(text)).toEqual({ type: 'open', v: 1, server: 'main', service: 'smtp' });
    expect(decodeClientMessage(text)).toEqual({
      type: 'open',
      v: 1,
      server: 'main',
      service: 'smtp',
    });
    for (const service of ['imap', 'SMTP', 1, null]) {
      const wire = JSON.stringify({ type: 'open', v: 1, server: 'main', service });
      expect(decodeClientMessage(wire)).toMatchObject({ code: 'BRIDGE_BAD_MESSAGE' });
    }
  });

  it.each([
    ['not JSON', 'hello'],
    ['truncated JSON', '{"type":"open"'],
    ['a JSON array', '[1,2]'],
    ['JSON null', 'null'],
    ['a JSON string', '"open"'],
    ['an unknown type', '{"type":"connect","v":1,"server":"main"}'],
    ['a gateway type', '{"type":"opened","v":1,"server":"main"}'],
    ['version 2', '{"type":"open","v":2,"server":"main"}'],
    ['version "1"', '{"type":"open","v":"1","server":"main"}'],
    ['no version', '{"type":"open","server":"main"}'],
    ['no server', '{"type":"open","v":1}'],
    ['a numeric server', '{"type":"open","v":1,"server":7}'],
    ['a host:port server', '{"type":"open","v":1,"server":"10.0.0.5:22"}'],
    ['an upper-case id', '{"type":"open","v":1,"server":"MAIN"}'],
    ['an extra host field', '{"type":"open","v":1,"server":"main","host":"10.0.0.5","port":22}'],
    ['a __proto__ field', '{"type":"open","v":1,"server":"main","__proto__":{"x":1}}'],
    ['a constructor type', '{"type":"constructor","v":1}'],
    ['a toString type', '{"type":"toString","v":1}'],
    ['an oversize message', `{"type":"open","v":1,"server":"${'a'.repeat(MAX_CONTROL_MESSAGE)}"}`],
  ])('refuses %s with BRIDGE_BAD_MESSAGE', (_name, text) => {
    const result = decodeClientMessage(text);
    expect(result).toBeInstanceOf(BridgeError);
    expect((result as BridgeError).code).toBe('BRIDGE_BAD_MESSAGE');
  });

  it('never throws on random input', () => {
    const alphabet = '{}[]":,0123456789abcdefghijklmnopqrstuvwxyz \\u0000-_.typevserveropen';
    for (let round = 0; round < 2000; round++) {
      let text = '';
      const length = (round * 7919) % 80;
      for (let i = 0; i < length; i++)
        text += alphabet.charAt((round * 31 + i * 17) % alphabet.length);
      expect(() => decodeClientMessage(text)).not.toThrow();
      expect(() => decodeGatewayMessage(text)).not.toThrow();
    }
  });
});

describe('gateway messages', () => {
  const samples: GatewayMessage[] = [
    {
      type: 'opened',
      v: 1,
      server: 'main',
      tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' },
    },
    { type: 'error', v: 1, code: 'UPSTREAM_TLS_EXPIRED', message: 'The certificate has expired.' },
    { type: 'going-away', v: 1, reconnectAfterMs: 1500 },
  ];

  it.each(samples)('round-trips $type', (message) => {
    expect(decodeGatewayMessage(encodeGatewayMessage(message))).toEqual(message);
  });

  it('encodes only the declared fields, even when handed more', () => {
    const sneaky = { type: 'error', v: 1, code: 'GATEWAY_INTERNAL', message: 'x', stack: 'at …' };
    expect(JSON.parse(encodeGatewayMessage(sneaky as GatewayMessage))).toEqual({
      type: 'error',
      v: 1,
      code: 'GATEWAY_INTERNAL',
      message: 'x',
    });
  });

  it.each([
    ['an error without code', '{"type":"error","v":1,"message":"x"}'],
    ['a lower-case code', '{"type":"error","v":1,"code":"oops","message":"x"}'],
    [
      'opened with extra tls field',
      '{"type":"opened","v":1,"server":"a","tls":{"protocol":"TLSv1.3","cipher":"X","key":"k"}}',
    ],
    ['opened without tls', '{"type":"opened","v":1,"server":"a","tls":null}'],
    ['a negative delay', '{"type":"going-away","v":1,"reconnectAfterMs":-1}'],
    ['a fractional delay', '{"type":"going-away","v":1,"reconnectAfterMs":1.5}'],
    ['a huge delay', '{"type":"going-away","v":1,"reconnectAfterMs":1e12}'],
  ])('refuses %s', (_name, text) => {
    const result = decodeGatewayMessage(text);
    expect(result).toBeInstanceOf(BridgeError);
    expect((result as BridgeError).code).toBe('BRIDGE_BAD_MESSAGE');
  });
});

describe('close codes', () => {
  it('are unique, in 4000–4999, with a reason of at most 123 bytes', () => {
    const codes = Object.values(CLOSE_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) {
      expect(code).toBeGreaterThanOrEqual(4000);
      expect(code).toBeLessThan(5000);
      const info = closeCodeInfo(code);
      expect(info && CLOSE_CODES[info.name]).toBe(code);
      expect(new TextEncoder().encode(info?.reason).length).toBeLessThanOrEqual(123);
    }
    expect(Object.keys(CLOSE_CODE_INFO)).toHaveLength(codes.length);
  });

  it('give each TLS failure its own code', () => {
    const tls = [
      CLOSE_CODES.TLS_SELF_SIGNED,
      CLOSE_CODES.TLS_EXPIRED,
      CLOSE_CODES.TLS_HOSTNAME,
      CLOSE_CODES.TLS_UNTRUSTED,
      CLOSE_CODES.TLS_PROTOCOL,
    ];
    expect(new Set(tls).size).toBe(5);
  });

  it('know nothing of standard codes', () => {
    expect(closeCodeInfo(1000)).toBeUndefined();
    expect(closeCodeInfo(1006)).toBeUndefined();
  });
});
