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
];

export function readCharsetFixture(file: string): Uint8Array {
  return new Uint8Array(readFileSync(CHARSET_FIXTURES + file));
}
