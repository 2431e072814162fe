/** IBM code page 437: the zip format's default name encoding when the UTF-8 flag is not set. */

// Code points for bytes 0x80-0xFF; bytes below 0x80 are ASCII.
const HIGH_HALF =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒ' +
  'áíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐' +
  '└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

const latin1 = new TextDecoder('latin1');

/** Decodes CP437 bytes to a string. */
export function decodeCp437(bytes: Uint8Array): string {
  // Mostly ASCII, which is the same in CP437 and Latin-1: one copy instead of a string built a character at a time.
  let ascii = true;
  for (let i = 0; i < bytes.length && ascii; i++) ascii = bytes[i]! < 0x80;
  if (ascii) return latin1.decode(bytes);
  let out = '';
  for (const byte of bytes) out += byte < 0x80 ? String.fromCharCode(byte) : HIGH_HALF.charAt(byte - 0x80);
  return out;
}

const ENCODE = new Map<string, number>([...HIGH_HALF].map((ch, i) => [ch, i + 0x80]));

/** Encodes a string as CP437; throws for a character CP437 lacks. Used by the fixture generator. */
export function encodeCp437(text: string): Buffer {
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x80) bytes.push(code);
    else {
      const byte = ENCODE.get(ch);
      if (byte === undefined) throw new Error(`not in CP437: ${JSON.stringify(ch)}`);
      bytes.push(byte);
    }
  }
  return Buffer.from(bytes);
}
