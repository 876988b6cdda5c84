// @vitest-environment node
// parseMessage: postal-mime behind explicit limits (docs/security.md #41, payload
// class 20 shapes), in Node as the brief asks; the worker wraps this same function.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MimeError, resolveLimits } from '../../../client/reader/message-types.ts';
import { normalizeContentIdHeader, parseMessage } from '../../../client/worker/parse-message.ts';
import { CHARSET_CASES, readCharsetFixture } from '../../support/charset-fixtures.ts';

const fixture = (path: string): Uint8Array =>
  readFileSync(fileURLToPath(new URL(`../../fixtures/mail/${path}`, import.meta.url)));
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * Runs a parse and reports its outcome; never throws. No time is asserted: the suite
 * shares two cores with other runs (the figures belong in bench/).
 */
async function settle(raw: Uint8Array): Promise<{ error: unknown; ok: boolean }> {
  try {
    await parseMessage(raw);
    return { error: null, ok: true };
  } catch (error) {
    return { error, ok: false };
  }
}

describe('parseMessage limits', () => {
  it('refuses a message over the raw cap before parsing', async () => {
    await expect(
      parseMessage(bytes('Subject: x\r\n\r\nhello'), { maxRawBytes: 10 }),
    ).rejects.toMatchObject({
      name: 'MimeError',
      code: 'MIME_TOO_LARGE',
    });
  });

  it('refuses limits that would switch a limit off', () => {
    expect(() => resolveLimits({ maxNestingDepth: Number.NaN })).toThrow(TypeError);
    expect(() => resolveLimits({ maxHeadersSize: -1 })).toThrow(TypeError);
    expect(() => resolveLimits({ timeoutMs: 1.5 })).toThrow(TypeError);
    expect(resolveLimits()).toMatchObject({
      maxNestingDepth: 100,
      maxHeadersSize: 1048576,
      maxRfc822NestingDepth: 5,
    });
  });

  it('handles a 3,000-level address group without a stack overflow', async () => {
    const groups = Array.from({ length: 3000 }, (_, i) => `g${i}:`).join(' ');
    const result = await settle(
      bytes(`To: ${groups} user@example.com;\r\nSubject: groups\r\n\r\nbody\r\n`),
    );
    expect(
      result.ok || (result.error instanceof MimeError && result.error.code === 'MIME_PARSE_FAILED'),
    ).toBe(true);
  });

  it('rejects a 300-deep multipart without a stack overflow', async () => {
    let body = 'Content-Type: text/plain\r\n\r\nleaf';
    for (let depth = 300; depth > 0; depth--) {
      body = `Content-Type: multipart/mixed; boundary="b${depth}"\r\n\r\n--b${depth}\r\n${body}\r\n--b${depth}--`;
    }
    const result = await settle(bytes(`Subject: deep\r\n${body}\r\n`));
    expect(result.error).toBeInstanceOf(MimeError);
    expect((result.error as MimeError).code).toBe('MIME_PARSE_FAILED');
  });

  it('rejects a 3 MiB header block', async () => {
    const header = `X-Filler: ${'a'.repeat(990)}\r\n`.repeat(3 * 1024);
    const result = await settle(bytes(`Subject: big headers\r\n${header}\r\nbody\r\n`));
    expect((result.error as MimeError).code).toBe('MIME_PARSE_FAILED');
  });

  it('keeps message/rfc822 beyond depth 5 as an attachment', async () => {
    let message = 'Subject: innermost\r\nContent-Type: text/plain\r\n\r\ninnermost body\r\n';
    for (let depth = 0; depth < 20; depth++) {
      message = `Subject: level ${depth}\r\nContent-Type: message/rfc822\r\n\r\n${message}`;
    }
    const parsed = await parseMessage(bytes(message));
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]).toMatchObject({
      mimeType: 'message/rfc822',
      rfc822DepthExceeded: true,
    });
    expect(parsed.text ?? '').not.toContain('innermost body');
  });

  it('copes with 5,000 tiny parts (breadth is bounded only by the raw cap)', async () => {
    const parts = Array.from(
      { length: 5_000 },
      (_, i) => `--b\r\nContent-Type: application/x-part\r\n\r\n${i}\r\n`,
    ).join('');
    const raw = bytes(
      `Subject: wide\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n${parts}--b--\r\n`,
    );
    const parsed = await parseMessage(raw);
    expect(parsed.attachments).toHaveLength(5_000);
    await expect(parseMessage(raw, { maxRawBytes: raw.byteLength - 1 })).rejects.toMatchObject({
      code: 'MIME_TOO_LARGE',
    });
  });
});

describe('parseMessage result', () => {
  it('decodes a GBK body and GBK encoded-words', async () => {
    const parsed = await parseMessage(fixture('samples/chinese-gbk.eml'));
    expect(parsed.subject).toBe('会议通知');
    expect(parsed.from).toEqual({ name: '王芳', address: 'wang.fang@example.test' });
    expect(parsed.text).toContain('明天上午十点在三楼会议室开会，请准时参加。');
    expect(parsed.html).toBeNull();
    expect(parsed.date).toBe('2026-03-04T00:00:00.000Z');
  });

  it('returns every attachment with exact bytes in its own ArrayBuffer', async () => {
    const parsed = await parseMessage(fixture('samples/attachments.eml'));
    expect(
      parsed.attachments.map((a) => [a.filename, a.mimeType, a.disposition, a.contentId]),
    ).toEqual([
      ['logo.png', 'image/png', 'inline', 'logo@example.test'],
      ['all-bytes.bin', 'application/octet-stream', 'attachment', null],
      ['报告.pdf', 'application/pdf', 'attachment', null],
    ]);
    const all = parsed.attachments[1];
    expect(all?.bytes).toBeInstanceOf(ArrayBuffer);
    expect(all?.size).toBe(1024 + 11);
    expect(Array.from(new Uint8Array(all?.bytes ?? new ArrayBuffer(0)).subarray(0, 256))).toEqual(
      Array.from({ length: 256 }, (_, i) => i),
    );
    const buffers = new Set(parsed.attachments.map((a) => a.bytes));
    expect(buffers.size).toBe(parsed.attachments.length);
    expect(parsed.attachments[0]?.related).toBe(true);
  });

  it('flattens groups and keeps header HTML as plain strings', async () => {
    const parsed = await parseMessage(fixture('hostile/c16a-header-html.eml'));
    expect(parsed.subject).toBe('<img src=x onerror=alert(1)>');
    expect(parsed.from?.name).toBe('<script>top.__pwned=1</script>');
    expect(parsed.replyTo).toEqual([
      { name: '<img src=x onerror=top.__pwned=1>', address: 'reply@example.test' },
    ]);
    const grouped = await parseMessage(bytes('To: team: a@x.test, b@x.test;, c@x.test\r\n\r\nx'));
    expect(grouped.to.map((a) => a.address)).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
  });

  it('normalizes Content-ID headers', () => {
    expect(normalizeContentIdHeader('<abc@x>')).toBe('abc@x');
    expect(normalizeContentIdHeader('  < abc@x >  ')).toBe('abc@x');
    expect(normalizeContentIdHeader('plain')).toBe('plain');
    expect(normalizeContentIdHeader('<>')).toBeNull();
    expect(normalizeContentIdHeader(undefined)).toBeNull();
  });
});

describe('parseMessage on legacy-charset mail', () => {
  it.each(CHARSET_CASES.map((fixture) => [fixture.case, fixture] as const))(
    '%s',
    async (_case, fixture) => {
      const raw = readCharsetFixture(fixture.file);
      const parsed = await parseMessage(raw);
      expect(parsed.subject).toBe(fixture.subject);
      expect(parsed.from).toEqual({ name: fixture.fromName, address: fixture.fromAddress });
      expect(parsed.to.map((a) => a.name)).toEqual(fixture.to);
      expect(parsed.cc.map((a) => a.name)).toEqual(fixture.cc);
      const body = `${parsed.text ?? ''}${parsed.html ?? ''}`;
      expect(body).toContain(fixture.body);
      expect(body).not.toContain('\uFFFD');
    },
  );

  it('leaves the bytes it was given untouched (they are the .eml download)', async () => {
    const raw = readCharsetFixture('koi8-r-meta.eml');
    const copy = raw.slice();
    await parseMessage(raw);
    expect(raw).toEqual(copy);
  });
});
