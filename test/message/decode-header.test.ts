import { describe, expect, it } from 'vitest';
import {
  decodeEncodedWords,
  decodeFieldValue,
  decodeRawBytes,
  fallbackCharset,
  unfold,
} from '../../src/message/decode-header.js';

/** Raw header bytes written as a latin1 string: `\xNN` is one byte. */
const bytes = (latin1: string): Buffer => Buffer.from(latin1, 'latin1');
const decode = (raw: string): string => decodeEncodedWords(unfold(decodeRawBytes(bytes(raw))));

// The 59 cases of libraries.md Appendix A, expected = its "proposed" column, except where noted.
const APPENDIX_A: readonly (readonly [number, string, string, string])[] = [
  [1, 'w1252 Q smart quotes/dash/euro', '=?windows-1252?Q?=93Smart_quotes=94_=96_price_=80100=85?=', '“Smart quotes” – price €100…'],
  [2, 'w1252 B', '=?Windows-1252?B?k0hlbGxvlCCWIJF3b3JsZJIghQ==?=', '“Hello” – ‘world’ …'],
  [3, 'cp1252 alias', '=?cp1252?Q?=93alias=94?=', '“alias”'],
  [4, 'iso-8859-1 with C1 bytes 0x93/0x94', '=?ISO-8859-1?Q?=93not_really_latin1=94?=', '“not really latin1”'],
  [5, 'iso-8859-1 plain', '=?iso-8859-1?q?Gr=FC=DFe_aus_K=F6ln?=', 'Grüße aus Köln'],
  [6, 'latin1 alias', '=?latin1?Q?caf=E9?=', 'café'],
  [7, 'iso-2022-jp B', '=?ISO-2022-JP?B?GyRCMnE1RCROJCpDTiRpJDsbKEI=?=', '会議のお知らせ'],
  [8, 'iso-2022-jp two words folded', '=?ISO-2022-JP?B?GyRCIVo9RU1XIVslUSU5JW8hPCVJGyhC?=\r\n =?ISO-2022-JP?B?GyRCSlE5OSROJCo0aiQkGyhC?=', '【重要】パスワード変更のお願い'],
  [9, 'iso-2022-jp Q', '=?iso-2022-jp?Q?=1B$B2q5D=1B(B?=', '会議'],
  [10, 'shift_jis B', '=?Shift_JIS?B?gqiMqZDPguiCzIyP?=', 'お見積りの件'],
  [11, 'euc-jp B', '=?EUC-JP?B?xvzL3LjspM6378y+?=', '日本語の件名'],
  [12, 'koi8-r B', '=?KOI8-R?B?8NLJ18XULCDNydIh?=', 'Привет, мир!'],
  [13, 'koi8-u', '=?koi8-u?B?8NLJ16bUINPXptQ=?=', 'Привіт світ'],
  [14, 'gb2312 B', '=?GB2312?B?udjT2sTqtsixqLjmtcTNqNaq?=', '关于年度报告的通知'],
  [15, 'gb2312 label but GBK-only chars', '=?gb2312?B?sGzGscVjytWT/g==?=', '發票與收據'],
  [16, 'gbk B', '=?GBK?B?sGzGscVjytWT/g==?=', '發票與收據'],
  [17, 'gb18030 B (4-byte seq)', '=?GB18030?B?ouMglDn8NiCBQA==?=', '€ 😀 丂'],
  [18, 'big5 B', '=?big5?B?pn6y16fApPqzcaq+?=', '年終尾牙通知'],
  [19, 'ks_c_5601-1987 (Outlook Korean label)', '=?ks_c_5601-1987?B?yLjAxyDAz8GkIL7Is7s=?=', '회의 일정 안내'],
  [20, 'euc-kr', '=?euc-kr?B?yLjAxyDAz8GkIL7Is7s=?=', '회의 일정 안내'],
  [21, 'windows-1251', '=?windows-1251?B?0fe48iDt4CDu7+vg8vM=?=', 'Счёт на оплату'],
  [22, 'iso-8859-2 Q', '=?iso-8859-2?Q?Za=BF=F3=B3=E6_g=EA=B6l=B1_ja=BC=F1?=', 'Zażółć gęślą jaźń'],
  [23, 'iso-8859-15 euro', '=?ISO-8859-15?Q?Prix_100_=A4?=', 'Prix 100 €'],
  [24, 'utf-8 lowercase q', '=?utf-8?q?caf=c3=a9?=', 'café'],
  [25, 'utf-8 Q with =20 and _', '=?UTF-8?Q?a=20b_c?=', 'a b c'],
  [26, 'adjacent words, one space', '=?UTF-8?Q?a?= =?UTF-8?Q?b?=', 'ab'],
  [27, 'adjacent words, folded CRLF SP', '=?UTF-8?Q?a?=\r\n =?UTF-8?Q?b?=', 'ab'],
  [28, 'adjacent words, folded CRLF TAB', '=?UTF-8?Q?a?=\r\n\t=?UTF-8?Q?b?=', 'ab'],
  [29, 'adjacent words, many spaces+tab', '=?UTF-8?Q?a?=   \t  =?UTF-8?Q?b?=', 'ab'],
  [30, 'adjacent words, different charsets', '=?UTF-8?Q?a_?= =?ISO-8859-1?Q?=E9t=E9?=', 'a été'],
  [31, 'words separated by text', '=?UTF-8?Q?a?= b =?UTF-8?Q?c?=', 'a b c'],
  [32, 'text then word then text', 'Re: [list] =?UTF-8?Q?caf=C3=A9?= ok', 'Re: [list] café ok'],
  [33, 'UTF-8 char split across 2 Q words', '=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?=', 'café'],
  [34, 'UTF-8 char split across 2 B words', '=?UTF-8?B?Y2Fmww==?= =?UTF-8?B?qSE=?=', 'café!'],
  [35, 'B words each padded, same charset', '=?UTF-8?B?Y2Fm?= =?UTF-8?B?w6k=?=', 'café'],
  [36, 'empty encoded-word', '=?UTF-8?Q??= x', ' x'],
  [37, 'RFC2231 language tag', '=?UTF-8*en?Q?hello_world?=', 'hello world'],
  [38, 'encoded-word with literal space inside (illegal)', '=?utf-8?Q?hello world?=', 'hello world'],
  [39, 'encoded-word glued to text before', 'Mixed=?utf-8?Q?caf=C3=A9?=text', 'Mixedcafétext'],
  [40, 'encoded-word glued to text after', 'Mixed =?utf-8?Q?caf=C3=A9?=and text', 'Mixed caféand text'],
  [41, 'encoded-word inside quotes', '"=?UTF-8?Q?quoted?=" tail', '"quoted" tail'],
  [42, 'bad Q escape =ZZ', '=?utf-8?Q?broken=ZZ_word?=', 'broken=ZZ word'],
  [43, 'B missing padding', '=?utf-8?B?SGVsbG8gd29ybGQ?=', 'Hello world'],
  [44, 'B invalid chars', '=?utf-8?B?SGVs!!bG8=?=', 'Hello'],
  [45, 'unterminated encoded-word', '=?utf-8?B?w6k', '=?utf-8?B?w6k'],
  [46, 'unknown encoding letter X', '=?utf-8?X?abc?=', '=?utf-8?X?abc?='],
  [47, 'missing charset', '=??Q?abc?=', '=??Q?abc?='],
  [48, 'unknown charset', '=?x-unknown-cs?Q?hello_there_caf=E9?=', '=?x-unknown-cs?Q?hello_there_caf=E9?='], // issue 2: unknown-charset words stay literal
  [49, 'unknown-8bit charset', '=?unknown-8bit?Q?caf=E9?=', 'café'], // unknown-8bit read like raw 8-bit: UTF-8 if valid, else windows-1252
  [50, 'utf-7 charset', '=?utf-7?Q?Hi_+AOk-?=', 'Hi +AOk-'],
  [51, 'invalid UTF-8 bytes in UTF-8 word', '=?UTF-8?Q?bad_=FF=FE_bytes?=', 'bad \ufffd\ufffd bytes'],
  [52, 'raw 8-bit UTF-8', 'Gr\xc3\xbc\xc3\x9fe \xe2\x80\x93 \xe2\x80\x9craw\xe2\x80\x9d UTF-8 \xe2\x9c\x93', 'Grüße – “raw” UTF-8 ✓'],
  [53, 'raw 8-bit latin1', 'Caf\xe9 d\xe9j\xe0 vu (raw latin1)', 'Café déjà vu (raw latin1)'],
  [54, 'raw 8-bit windows-1252', '\x93raw cp1252\x94 \x96 \x80', '“raw cp1252” – €'],
  [55, 'raw UTF-8 + encoded-word', 'Gr\xc3\xbc\xc3\x9fe =?UTF-8?Q?caf=C3=A9?=', 'Grüße café'],
  [56, 'ASCII folded plain', 'A long subject line\r\n that was folded', 'A long subject line that was folded'],
  [57, 'folded inside encoded sequence, 3 words', '=?UTF-8?B?w4Q=?=\r\n =?UTF-8?B?w5Y=?=\r\n =?UTF-8?B?w5w=?=', 'ÄÖÜ'],
  [58, 'long single encoded-word >75 chars', '=?UTF-8?B?eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4w6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqQ==?=', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxéééééééééééééééééééé'],
  [59, 'upper/lower mixed labels', '=?Utf-8?B?w6k=?= =?UTF-8?b?w6k=?=', 'éé'],
];

describe('decodeEncodedWords over raw bytes (libraries.md Appendix A)', () => {
  it.each(APPENDIX_A)('#%i %s', (_n, _name, raw, expected) => {
    expect(decode(raw)).toBe(expected);
  });
});

describe('decodeEncodedWords', () => {
  it('leaves an unknown-charset word literal but still decodes its neighbours', () => {
    expect(decode('=?utf-8?Q?caf=C3=A9?= =?x-unknown-cs?Q?hi?= =?utf-8?Q?ok?=')).toBe('café =?x-unknown-cs?Q?hi?= ok');
  });

  it('leaves an empty charset and an unknown encoding letter literal', () => {
    expect(decode('a =??Q?abc?= b =?utf-8?X?abc?=')).toBe('a =??Q?abc?= b =?utf-8?X?abc?=');
  });

  it('decodes the same subject encoded three ways to the same text', () => {
    const forms = [
      '=?UTF-8?B?RsO8ciBkaWUgQsO8Y2hlcg==?=',
      '=?utf-8?q?F=C3=BCr_die_B=C3=BCcher?=',
      '=?ISO-8859-1?Q?F=FCr?= =?ISO-8859-1?Q?_die_B=FCcher?=',
      'F\xfcr die B\xfccher',
      'F\xc3\xbcr die B\xc3\xbccher',
    ];
    expect(new Set(forms.map(decode))).toEqual(new Set(['Für die Bücher']));
  });

  it('does not touch a value without encoded words', () => {
    expect(decodeEncodedWords('plain =? text ?=')).toBe('plain =? text ?=');
  });

  it('relabels an unknown-8bit word holding UTF-8 as UTF-8', () => {
    expect(decode('=?unknown-8bit?Q?caf=C3=A9?=')).toBe('café');
  });
});

describe('decodeRawBytes', () => {
  it('reads valid UTF-8 as UTF-8', () => {
    expect(decodeRawBytes(Buffer.from('Grüße', 'utf8'))).toBe('Grüße');
  });

  it('reads invalid UTF-8 as windows-1252', () => {
    expect(decodeRawBytes(bytes('\x93quoted\x94 \x80'))).toBe('“quoted” €');
  });

  it('uses the fallback charset for invalid UTF-8', () => {
    expect(decodeRawBytes(bytes('\xc4\xe3\xba\xc3'), 'gb2312')).toBe('你好');
  });

  it('reads raw 7-bit ISO-2022-JP as Japanese', () => {
    expect(decodeRawBytes(bytes('\x1b$B$K$c!<$s\x1b(B'))).toBe('にゃーん');
    expect(decodeRawBytes(bytes('plain \x1b text'))).toBe('plain \x1b text');
  });

  it('drops NUL bytes', () => {
    expect(decodeRawBytes(bytes('a\x00b\x00'))).toBe('ab');
  });
});

describe('unfold', () => {
  it('removes CRLF, LF and CR folding but keeps the whitespace', () => {
    expect(unfold('a\r\n b\n\tc\r d')).toBe('a b\tc d');
  });
});

describe('decodeFieldValue', () => {
  it('decodes encoded words in Subject and From', () => {
    expect(decodeFieldValue('Subject', bytes(' =?utf-8?Q?caf=C3=A9?=\r\n'))).toBe('café');
    expect(decodeFieldValue('from', bytes(' =?utf-8?Q?Ren=C3=A9?= <r@example.com>'))).toBe('René <r@example.com>');
  });

  it('decodes raw 8-bit bytes inside a Q word in the word\'s charset', () => {
    expect(decodeFieldValue('subject', bytes(' =?iso-8859-1?Q?Fr\xf6sche?= Fr\xf6sche'))).toBe('Frösche Frösche');
    expect(decodeFieldValue('subject', bytes(' =?utf-8?Q?caf\xc3\xa9?= caf\xc3\xa9'))).toBe('café café');
  });

  it('leaves encoded words in other fields alone', () => {
    expect(decodeFieldValue('message-id', bytes(' <=?utf-8?Q?x?=@example.com>'))).toBe('<=?utf-8?Q?x?=@example.com>');
  });
});

describe('fallbackCharset', () => {
  it.each([
    ['text/plain; charset=gb2312', 'GBK'],
    ['text/plain;\r\n\tcharset="KOI8-R"', 'KOI8-R'],
    ['text/plain; charset=iso-8859-1', 'windows-1252'],
    ['text/plain; charset=us-ascii', 'windows-1252'],
    ['text/plain; charset=utf-8', 'windows-1252'],
    ['text/plain; charset=x-nonsense', 'windows-1252'],
    ['text/plain', 'windows-1252'],
    [undefined, 'windows-1252'],
  ])('%j -> %s', (contentType, expected) => {
    expect(fallbackCharset(contentType)).toBe(expected);
  });
});
