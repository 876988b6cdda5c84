// RFC 2047 words: every charset TextDecoder knows, characters split across
// words, stateful ISO-2022-JP decoded word by word with a fresh decoder.

import { describe, expect, it } from 'vitest';
import { decodeEncodedWords } from '../../../shared/mail/encoded-words.ts';

/** 会議の and 予定 in ISO-2022-JP, each word wrapped in its own ESC $ B … ESC ( B. */
const JP_MEETING = '=?ISO-2022-JP?B?GyRCMnE1RCROGyhC?=';
const JP_PLAN = '=?ISO-2022-JP?B?GyRCTT1EahsoQg==?=';

describe('decodeEncodedWords', () => {
  it.each([
    ['plain', 'Hello', 'Hello'],
    ['B, UTF-8', '=?UTF-8?B?5ZGo5pyr54is5bGx6K6h5YiS?=', '周末爬山计划'],
    ['Q with underscores', '=?iso-8859-1?Q?Caf=E9_au_lait?=', 'Café au lait'],
    ['GBK', '=?GBK?B?1tDOxA==?=', '中文'],
    ['gb2312 label read as GBK (a GBK-only character)', '=?gb2312?B?hrQ=?=', '喆'],
    ['ks_c_5601-1987 read as EUC-KR', '=?ks_c_5601-1987?B?vsiz58fPvLy/5A==?=', '안녕하세요'],
    ['a UTF-8 character split across two words', '=?UTF-8?B?5L0=?= =?UTF-8?B?oOWlvQ==?=', '你好'],
    [
      'a Big5 character split across two words',
      '=?big5?B?pXilX6g=?=\r\n =?big5?B?o62xrsm2oQ==?=',
      '台北見面時間',
    ],
    [
      'words of gb2312 and GBK labels join: one encoding',
      '=?gb2312?B?1g==?= =?GBK?B?0M7E?=',
      '中文',
    ],
    ['text around words', 'Re: =?UTF-8?Q?caf=C3=A9?= time', 'Re: café time'],
    ['RFC 2231 language suffix', '=?UTF-8*en?Q?hi?=', 'hi'],
    ['unknown charset: read like raw header bytes', '=?x-unknown?Q?ok?=', 'ok'],
    ['broken base64 stays as written', '=?UTF-8?B?###?=', '=?UTF-8?B?###?='],
  ])('%s', (_name, input, output) => {
    expect(decodeEncodedWords(input)).toBe(output);
  });

  it('decodes adjacent ISO-2022-JP words one by one, never joined', () => {
    // Joined, the ESC ( B of the first word meets the ESC $ B of the second: U+FFFD.
    expect(decodeEncodedWords(`${JP_MEETING}\r\n ${JP_PLAN}`)).toBe('会議の予定');
  });

  it('decodes the same ISO-2022-JP word alike every time (no decoder state kept)', () => {
    expect(decodeEncodedWords(JP_MEETING)).toBe('会議の');
    expect(decodeEncodedWords(JP_MEETING)).toBe('会議の');
    expect(decodeEncodedWords(`${JP_MEETING} x ${JP_MEETING}`)).toBe('会議の x 会議の');
  });

  it('reads an unknown label in the declared charset when the bytes are not UTF-8', () => {
    expect(decodeEncodedWords('=?x-unknown?B?z/Do4uXy?=', 'windows-1251')).toBe('Привет');
  });
});
