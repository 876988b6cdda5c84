// The legacy-charset messages of test/fixtures/charsets and, written out, the
// text every surface must show for them: the list row, the reader, `pop3 list`.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** From the string form of import.meta.url: under happy-dom the global URL is not Node's. */
export const CHARSET_FIXTURES = `${join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'charsets')}/`;

export interface CharsetFixture {
  file: string;
  /** What the case is about. */
  case: string;
  subject: string;
  fromName: string;
  fromAddress: string;
  /** Display names of To and Cc, in order ('' for a bare address). */
  to: string[];
  cc: string[];
  /** A phrase of the body as the reader must show it. */
  body: string;
}

export const CHARSET_CASES: readonly CharsetFixture[] = [
  {
    file: 'gbk-raw-headers.eml',
    case: 'GB2312 label on GBK bytes, raw 8-bit Subject and From',
    subject: '黄山游记',
    fromName: '张伟',
    fromAddress: 'zhang.wei@example.cn',
    to: [''],
    cc: [],
    body: '黄山游记：喆和堃的照片在附件里。',
  },
  {
    file: 'big5-split-words.eml',
    case: 'Big5 character split across two encoded words, Q and B names',
    subject: '台北見面時間',
    fromName: '陳小明',
    fromAddress: 'chen@example.tw',
    to: ['林美玲', ''],
    cc: ['王大同'],
    body: '下週三在台北見面，好嗎？',
  },
  {
    file: 'iso-2022-jp-words.eml',
    case: 'adjacent ISO-2022-JP words, one word decoded twice',
    subject: '会議の予定',
    fromName: '山田太郎',
    fromAddress: 'yamada@example.jp',
    to: ['山田太郎'],
    cc: [],
    body: '明日の会議は十時からです。',
  },
  {
    file: 'euc-kr-label.eml',
    case: 'EUC-KR under the ks_c_5601-1987 label, raw 8-bit Cc name',
    subject: '회의 자료 안내',
    fromName: '김민수',
    fromAddress: 'kim@example.kr',
    to: [''],
    cc: ['박지영'],
    body: '안녕하세요. 회의 자료를 보내드립니다.',
  },
  {
    file: 'koi8-r-meta.eml',
    case: 'KOI8-R named only by <meta http-equiv> in a text/html part',
    subject: 'Деньги ждут',
    fromName: 'Служба выплат',
    fromAddress: 'pay@example.ru',
    to: [''],
    cc: [],
    body: 'ЗДЕСЬ РЕАЛЬНЫЕ ДЕНЬГИ!!!',
  },
  {
    file: 'windows-1251-mislabelled.eml',
    case: 'windows-1251 raw headers, a part labelled win-1251 and one unlabelled',
    subject: 'Отчёт за май',
    fromName: 'Иван Петров',
    fromAddress: 'ivan@example.ru',
    to: [''],
    cc: [],
    body: 'Отчёт готов, смотрите таблицу.',
  },
  {
    file: 'gb2312-part-charset.eml',
    case: 'raw GB2312 Subject and From in a multipart message whose charset only its parts declare',
    subject: '黄山游记',
    fromName: '李娜',
    fromAddress: 'li.na@example.cn',
    to: [''],
    cc: [],
    body: '黄山的照片在这里，下次一起去。',
  },
];

export function readCharsetFixture(file: string): Uint8Array {
  return new Uint8Array(readFileSync(CHARSET_FIXTURES + file));
}

/** The header block and its blank line: what TOP n 0 returns. */
export function headerBlock(raw: Uint8Array): Uint8Array {
  const end = raw.findIndex((_, i) => raw[i] === 13 && raw[i + 1] === 10 && raw[i + 2] === 13);
  return raw.subarray(0, end + 4);
}

/** What TOP n `lines` returns: the header block and the first `lines` lines of body. */
export function topLines(raw: Uint8Array, lines: number): Uint8Array {
  let end = headerBlock(raw).length;
  for (let line = 0; line < lines && end < raw.length; line++) {
    const lf = raw.indexOf(10, end);
    end = lf < 0 ? raw.length : lf + 1;
  }
  return raw.subarray(0, end);
}

/** A POP3 session's TOP, as listing asks it (shared/mail/list-headers.ts), over fixtures. */
export function fixtureSource(messages: readonly Uint8Array[]): {
  headers: (msg: number) => Promise<Uint8Array>;
  top: (msg: number, lines: number) => Promise<Uint8Array>;
  tops: number[];
} {
  const tops: number[] = [];
  const at = (msg: number): Uint8Array => messages[msg - 1] ?? new Uint8Array();
  return {
    tops,
    headers: (msg) => Promise.resolve(headerBlock(at(msg))),
    top: (msg, lines) => {
      tops.push(msg);
      return Promise.resolve(topLines(at(msg), lines));
    },
  };
}
