// List-row headers: the shared decoding rule as a row shows it (the legacy
// charset fixtures included), the attachment mark, and hostile text that must
// stay text. The rule itself is tested in test/shared/mail.

import { describe, expect, it } from 'vitest';
import { summarizeHeaders } from '../../../client/mail/header-summary.ts';
import { listHeaders } from '../../../shared/mail/index.ts';
import {
  CHARSET_CASES,
  fixtureSource,
  readCharsetFixture,
} from '../../support/charset-fixtures.ts';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function withRaw(prefix: string, raw: number[], suffix: string): Uint8Array {
  return Uint8Array.from([...bytes(prefix), ...raw, ...bytes(suffix)]);
}

describe('summarizeHeaders', () => {
  it('summarizes a header block', () => {
    const summary = summarizeHeaders(
      bytes(
        'Date: Tue, 01 Jul 2025 10:00:00 +0200\r\n' +
          'From: =?UTF-8?B?5byg5LiJ?= <zhang@example.cn>\r\n' +
          'Subject: =?UTF-8?B?6aG555uu6L+b5bqm5pu05paw?=\r\n' +
          ' =?UTF-8?Q?_=E2=80=93_week_12?=\r\n' +
          'Content-Type: multipart/mixed; boundary="x"\r\n\r\n',
      ),
    );
    expect(summary).toEqual({
      from: '张三',
      fromAddress: 'zhang@example.cn',
      subject: '项目进度更新 – week 12',
      date: Date.UTC(2025, 6, 1, 8),
      hasAttachment: true,
    });
  });

  it('decodes raw 8-bit GBK headers with the charset the message declares', () => {
    const block = withRaw(
      'From: a@example.cn\r\nSubject: ',
      [0xd6, 0xd0, 0xce, 0xc4],
      '\r\nContent-Type: text/plain; charset=gbk\r\n\r\n',
    );
    expect(summarizeHeaders(block).subject).toBe('中文');
  });

  it('takes the address when there is no name, and copes with no headers at all', () => {
    expect(summarizeHeaders(bytes('From: bob@example.org\r\n\r\n')).from).toBe('bob@example.org');
    expect(summarizeHeaders(new Uint8Array())).toEqual({
      from: '',
      fromAddress: '',
      subject: '',
      date: null,
      hasAttachment: false,
    });
  });

  it('keeps markup as text and removes bidi overrides', () => {
    const summary = summarizeHeaders(
      bytes(
        'Subject: =?UTF-8?B?PGltZyBzcmM9eCBvbmVycm9yPWFsZXJ0KDEpPg==?=\r\n' +
          'From: "\u202Eevil" <x@example.org>\r\n\r\n',
      ),
    );
    expect(summary.subject).toBe('<img src=x onerror=alert(1)>');
    expect(summary.from).toBe('evil');
  });

  it('bounds very long subjects', () => {
    const summary = summarizeHeaders(bytes(`Subject: ${'x'.repeat(5000)}\r\n\r\n`));
    expect(summary.subject.length).toBeLessThanOrEqual(500);
  });
});

describe('summarizeHeaders on legacy-charset mail', () => {
  it.each(CHARSET_CASES.map((fixture) => [fixture.case, fixture] as const))(
    '%s',
    async (_case, fixture) => {
      // The list reads what listHeaders() asks: TOP n 0, and a few body lines more
      // only when the header block alone cannot say what its bytes are.
      const source = fixtureSource([readCharsetFixture(fixture.file)]);
      const summary = summarizeHeaders(await listHeaders(source, 1));
      expect(summary.subject).toBe(fixture.subject);
      expect(summary.from).toBe(fixture.fromName);
      expect(summary.fromAddress).toBe(fixture.fromAddress);
      // Only the message whose parts alone name the charset costs the extra TOP.
      expect(source.tops.length).toBe(fixture.file === 'gb2312-part-charset.eml' ? 1 : 0);
    },
  );
});
