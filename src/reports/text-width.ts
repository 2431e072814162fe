/**
 * Terminal display width of strings, so that columns holding CJK or emoji folder names line up.
 * A small East-Asian-width approximation: wide and fullwidth ranges count 2 columns, marks and
 * default-ignorable code points count 0, everything else 1. Measured per grapheme cluster so that
 * truncation never splits a character from its combining marks.
 */

// East Asian Width W and F ranges that matter for mail folder names (CJK, kana, Hangul, fullwidth forms).
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

const ZERO_WIDTH = /^[\p{Mark}\p{Default_Ignorable_Code_Point}]$/u;
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;
const PICTOGRAPH_WITH_VS16 = /\p{Extended_Pictographic}\uFE0F/u;
// C0/C1 controls and bidi overrides: a folder name or subject is attacker-controlled, and printed raw these
// could move the cursor, recolour the terminal or reorder the columns around them.
const UNSAFE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function isWide(codePoint: number): boolean {
  for (const [from, to] of WIDE_RANGES) {
    if (codePoint < from) return false;
    if (codePoint <= to) return true;
  }
  return false;
}

function graphemeWidth(cluster: string): number {
  if (EMOJI_PRESENTATION.test(cluster) || PICTOGRAPH_WITH_VS16.test(cluster)) return 2;
  let width = 0;
  for (const char of cluster) {
    if (ZERO_WIDTH.test(char)) continue;
    width = Math.max(width, isWide(char.codePointAt(0) ?? 0) ? 2 : 1);
  }
  return width;
}

/** Replaces control and bidi-override characters so the string is safe to print to a terminal. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, '\uFFFD');
}

/** Columns the string occupies in a monospaced terminal. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of graphemes.segment(text)) width += graphemeWidth(segment);
  return width;
}

function takeWidth(clusters: readonly string[], max: number): string {
  let out = '';
  let width = 0;
  for (const cluster of clusters) {
    const w = graphemeWidth(cluster);
    if (width + w > max) break;
    out += cluster;
    width += w;
  }
  return out;
}

/**
 * Shortens text to at most `max` columns with an ellipsis. 'middle' keeps both ends, which for a folder
 * path keeps the top-level folder and the leaf, the two parts that tell folders apart.
 */
export function truncateToWidth(text: string, max: number, where: 'end' | 'middle' = 'end'): string {
  if (displayWidth(text) <= max) return text;
  if (max <= 0) return '';
  const clusters = [...graphemes.segment(text)].map((s) => s.segment);
  const room = max - 1;
  if (where === 'end') return takeWidth(clusters, room) + '…';
  const head = takeWidth(clusters, Math.ceil(room / 2));
  return head + '…' + takeTailWidth(clusters, room - displayWidth(head));
}

function takeTailWidth(clusters: readonly string[], max: number): string {
  let out = '';
  let width = 0;
  for (let i = clusters.length - 1; i >= 0; i--) {
    const cluster = clusters[i] ?? '';
    const w = graphemeWidth(cluster);
    if (width + w > max) break;
    out = cluster + out;
    width += w;
  }
  return out;
}

/** Pads with spaces to `width` columns; `align` right for numbers. */
export function padToWidth(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}
