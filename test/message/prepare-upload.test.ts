import { describe, expect, it } from 'vitest';
import { bareLineEnds, prepareForUpload } from '../../src/message/prepare-upload.js';
import { createPrng } from '../emulator/prng.js';

const text = (b: Buffer): string => b.toString('latin1');

/**
 * Every LF alone as CRLF, and every CR alone too when there is no LF at all (old Mac line endings), one
 * byte at a time: what prepareForUpload must agree with.
 */
function byteByByte(b: Buffer): string {
  const crIsLineEnd = !b.includes(0x0a);
  let out = '';
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) out += '\r\n';
    else if (crIsLineEnd && b[i] === 0x0d && b[i + 1] !== 0x0a) out += '\r\n';
    else out += String.fromCharCode(b[i] as number);
  }
  return out;
}

describe('prepareForUpload', () => {
  it('leaves a CRLF message byte for byte as it is', () => {
    const mime = Buffer.from('Subject: a\r\nX: \xe9\r\n\r\nbody\r\n', 'latin1');
    expect(prepareForUpload(mime)).toBe(mime);
  });

  it('turns LF-only and CR-only line endings, and a mix, into CRLF', () => {
    expect(text(prepareForUpload(Buffer.from('Subject: a\n\nbody\n')))).toBe('Subject: a\r\n\r\nbody\r\n');
    expect(text(prepareForUpload(Buffer.from('Subject: a\r\rbody\r')))).toBe('Subject: a\r\n\r\nbody\r\n');
    expect(text(prepareForUpload(Buffer.from('A: 1\r\nB: 2\nC: 3\r\n\r\nbody')))).toBe('A: 1\r\nB: 2\r\nC: 3\r\n\r\nbody');
  });

  it('keeps a CR alone inside a line of an LF or CRLF message: DKIM and S/MIME signed it as it stands', () => {
    const signed = Buffer.from('DKIM-Signature: v=1; c=simple/simple\r\nSubject: a\r\n\r\nembedded C\rR\r\n', 'latin1');
    expect(prepareForUpload(signed)).toBe(signed);
    expect(text(prepareForUpload(Buffer.from('Subject: a\n\nC\rR\n')))).toBe('Subject: a\r\n\r\nC\rR\r\n');
  });

  it('leaves the line ends of a CRLF message with a part sent as binary as they are: there LF and CR are bytes of the content', () => {
    const payload = Buffer.from([0x00, 0x0a, 0xff, 0x0d, 0x41, 0x0a, 0x0d, 0x0d, 0x0a, 0x42]);
    const binary = Buffer.concat([
      Buffer.from('Subject: a\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding:  Binary\r\n\r\n'),
      payload,
      Buffer.from('\r\n--b--\r\n'),
    ]);
    expect(prepareForUpload(binary)).toBe(binary);
    // Written with LF line ends, the message was stored with its line ends changed already: it is made CRLF.
    const stored = Buffer.from('Subject: bounce\nContent-Type: message/rfc822\nContent-Transfer-Encoding: binary\n\nSubject: original\n\ntext\n');
    expect(text(prepareForUpload(stored))).toBe(byteByByte(stored));
    // Only a Content-Transfer-Encoding field says so: the word in a subject or a body changes nothing.
    expect(text(prepareForUpload(Buffer.from('Subject: binary\n\nContent-Transfer-Encoding: base64 of binary data\n')))).toBe('Subject: binary\r\n\r\nContent-Transfer-Encoding: base64 of binary data\r\n');
  });

  it('drops a leading mbox From line that ends in CR alone (old Mac line endings), and keeps the message', () => {
    expect(text(prepareForUpload(Buffer.from('From MAILER-DAEMON Mon Mar 11 12:00:00 2024\rSubject: a\r\rbody\r')))).toBe('Subject: a\r\n\r\nbody\r\n');
    expect(text(prepareForUpload(Buffer.from('From x\r\nSubject: b\r\n\r\nbody\r\n')))).toBe('Subject: b\r\n\r\nbody\r\n');
  });

  it('keeps a first From field written in the obsolete syntax (From : …), which is no mbox From line', () => {
    const mime = Buffer.from('From : Ann <ann@example.com>\r\nSubject: a\r\n\r\nb\r\n');
    expect(prepareForUpload(mime)).toBe(mime);
    expect(text(prepareForUpload(Buffer.from('From \t: ann@example.com\nSubject: a\n\nb\n')))).toBe('From \t: ann@example.com\r\nSubject: a\r\n\r\nb\r\n');
  });

  it('drops a leading byte-order mark and an mbox From line, nothing else', () => {
    expect(text(prepareForUpload(Buffer.from('\ufeffSubject: a\r\n\r\nb')))).toBe('Subject: a\r\n\r\nb');
    expect(text(prepareForUpload(Buffer.from('From ann@example.com Mon Mar 11 12:00:00 2024\nSubject: a\n\nFrom here on\n')))).toBe('Subject: a\r\n\r\nFrom here on\r\n');
  });

  it('drops blank lines before the first field, after a BOM or an mbox From line too, and a >From line', () => {
    expect(text(prepareForUpload(Buffer.from('\r\nSubject: a\r\n\r\nb')))).toBe('Subject: a\r\n\r\nb');
    expect(text(prepareForUpload(Buffer.from('\n\r\r\n\nSubject: a\n\nb\n')))).toBe('Subject: a\r\n\r\nb\r\n');
    expect(text(prepareForUpload(Buffer.from('\ufeff\r\n\r\nSubject: a\r\n\r\nb')))).toBe('Subject: a\r\n\r\nb');
    expect(text(prepareForUpload(Buffer.from('From x\r\n\r\nSubject: a\r\n\r\nb')))).toBe('Subject: a\r\n\r\nb');
    expect(text(prepareForUpload(Buffer.from('>From ann@example.com Mon Mar 11 12:00:00 2024\nSubject: a\n\n>From here on\n')))).toBe('Subject: a\r\n\r\n>From here on\r\n');
    // blank lines after the first field are the message's: the one that ends the header block stays
    const mime = Buffer.from('\r\nSubject: a\r\n\r\n\r\nbody\r\n');
    expect(text(prepareForUpload(mime))).toBe('Subject: a\r\n\r\n\r\nbody\r\n');
  });

  it('counts line ends that are not CRLF as a byte-by-byte reading does, on every arrangement of CR, LF and text', () => {
    const reference = (b: Buffer): number => {
      let bare = 0;
      for (let i = 0; i < b.length; i++) {
        if (b[i] === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) bare += 1;
        else if (b[i] === 0x0d && b[i + 1] !== 0x0a) bare += 1;
      }
      return bare;
    };
    const random = createPrng(13);
    const alphabet = [0x0d, 0x0a, 0x61];
    for (let n = 0; n < 3000; n++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * 3)] as number));
      expect(bareLineEnds(bytes), JSON.stringify(bytes.toString('latin1'))).toBe(reference(bytes));
      // What comes out has no LF without its CR (nor a CR alone where CR was the line ending), and is what a
      // byte-by-byte rewrite makes of it.
      const out = prepareForUpload(bytes);
      expect(/(^|[^\r])\n/.test(text(out))).toBe(false);
      if (!bytes.includes(0x0a)) expect(bareLineEnds(out)).toBe(0);
      // Line ends before the first text are preamble, dropped.
      const leading = bytes.length - text(bytes).replace(/^[\r\n]+/, '').length;
      expect(text(prepareForUpload(bytes)), JSON.stringify(text(bytes))).toBe(byteByByte(bytes.subarray(leading)));
    }
  });
});
