/** Colour for the terminal renderers: one palette, and plain text when colour is off. */
export type Tone = 'plain' | 'good' | 'warn' | 'bad' | 'strong' | 'dim';

const ANSI: Record<Tone, string> = { plain: '', good: '\x1b[32m', warn: '\x1b[33m', bad: '\x1b[31m', strong: '\x1b[1m', dim: '\x1b[2m' };

/** A painter for one render: colours when `color` is on, the text untouched otherwise. */
export function painter(color: boolean): (text: string, tone: Tone) => string {
  return (text, tone) => (color && tone !== 'plain' ? `${ANSI[tone]}${text}\x1b[0m` : text);
}
