/**
 * Robustness over the shared real-world corpus (../shared/corpus from the project root): every message is
 * read, summarised and classified without a crash or a hang, and decoded subjects agree with an independent
 * decoder (CPython's email.header) except for the deliberate difference classes of libraries.md §4.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { normalizeSubject } from '../../src/message/fingerprint.js';
import { MAX_HEADER_BLOCK_BYTES, splitHeaderBlock } from '../../src/message/header-block.js';
import { summarizeMessage } from '../../src/message/summarize.js';
import { classifySpam } from '../../src/policy/spam.js';
import { CORPUS, corpusPresent, loadCorpus } from './corpus.js';

const here = dirname(fileURLToPath(import.meta.url));
const ORACLE = join(here, 'subject-oracle.py');
if (!corpusPresent) console.warn(`corpus robustness test skipped: ${CORPUS} is absent`);

// ---- the deliberate differences from Python's make_header(decode_header()), libraries.md §4 ----

const WORD = /=\?([^?\s]*)\?([A-Za-z])\?([^?]*)\?=/g;
const JAPANESE = /^(?:jis|iso-?2022-?jp|euc-?jp)/i;

function charsetKnown(label: string): boolean {
  const name = label.split('*')[0] ?? '';
  return name !== '' && (JAPANESE.test(name) || iconv.encodingExists(name));
}

/** Why our decoding may legitimately differ from Python's for this raw value; null when it must not. */
function differenceClass(raw: Buffer, value: string, python: { ok?: string; error?: string }): string | null {
  if (python.error !== undefined) return `python exception (${python.error})`;
  if (raw.some((b) => b > 0x7f)) return 'raw 8-bit';
  if (raw.includes(0)) return 'invalid bytes (NUL)';
  const words = [...value.matchAll(WORD)];
  for (const [word, label = '', encoding = ''] of words) {
    if (label === '') return 'empty charset';
    if (/^utf-?7$/i.test(label.split('*')[0] ?? '')) return 'utf-7';
    if (!/^[QB]$/i.test(encoding)) return 'unknown encoding';
    if (!charsetKnown(label) && label.toLowerCase() !== 'unknown-8bit') return 'unknown charset';
    if (value.includes(`"${word}`) || value.includes(`${word}"`)) return 'quoted word';
  }
  // a word glued to text (or to another word) on either side: Python inserts spaces, libmime does not
  if (/[^\s(]=\?[^?\s]*\?[A-Za-z]\?[^?]*\?=/.test(value) || /=\?[^?\s]*\?[A-Za-z]\?[^?]*\?=[^\s)]/.test(value)) {
    return 'glued words';
  }
  const out = python.ok ?? '';
  if (/[\u0080-\u009f]/.test(out)) return 'iso-8859-1 C1 bytes';
  if (/[\ufffd\udc80-\udcff]/.test(out)) return 'invalid bytes';
  return null;
}

/**
 * Differences outside those classes, each checked against the text we expect instead, with the reason.
 */
const JUSTIFIED: ReadonlyMap<string, { readonly ours: string; readonly why: string }> = new Map([
  [
    'fixtures-james-mime4j/core/src/test/resources/mimetools-testmsgs/intl.msg.eml',
    {
      ours: 'If you can read this you understand the example... so, cool!',
      // =?ISO-8859-2?B?...example.?= =?US-ASCII?Q?.._so,_cool!?= : RFC 2047 §6.2 says the whitespace between
      // adjacent encoded words is ignored; make_header adds a space when it switches to a us-ascii chunk.
      why: 'Python inserts a space between an ISO-8859-2 word and the adjacent US-ASCII word',
    },
  ],
]);

function runOracle(values: readonly Buffer[]): { ok?: string; error?: string }[] | null {
  const input = values.map((v) => v.toString('base64')).join('\n') + '\n';
  const result = spawnSync('python3', [ORACLE], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
  if (result.error || result.status !== 0) return null;
  return result.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { ok?: string; error?: string });
}

const python3Present = spawnSync('python3', ['--version']).status === 0;
if (corpusPresent && !python3Present) console.warn('corpus subject comparison skipped: python3 is not on PATH');

describe.skipIf(!corpusPresent)('corpus robustness', () => {
  const messages = corpusPresent ? loadCorpus() : [];

  it('reads, summarises and classifies every message', { timeout: 60_000 }, () => {
    expect(messages.length).toBeGreaterThan(2000);
    const verdicts = new Map<string, number>();
    for (const m of messages) {
      const block = splitHeaderBlock(m.bytes);
      expect(block.bounds.end - block.bounds.start).toBeLessThanOrEqual(MAX_HEADER_BLOCK_BYTES);
      const summary = summarizeMessage(m.bytes);
      expect(summary.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(summary.date === null || !Number.isNaN(summary.date.getTime())).toBe(true);
      const decision = classifySpam({ folderSegments: m.folder, headers: summary.headers }, { keepJunk: false, userRules: [] });
      const verdict = decision.spam ? `spam: ${decision.rule}` : 'importable';
      verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
    }
    const total = [...verdicts.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(messages.length);
    console.info(`corpus: ${messages.length} messages`, Object.fromEntries(verdicts));
  });

  it.skipIf(!python3Present)('decodes subjects as CPython does, outside the documented difference classes', { timeout: 60_000 }, () => {
    const subjects = messages.flatMap((m) => {
      const field = splitHeaderBlock(m.bytes).fields.find((f) => f.name.toLowerCase() === 'subject');
      return field ? [{ name: m.name, raw: field.value, ours: summarizeMessage(m.bytes).subject }] : [];
    });
    const python = runOracle(subjects.map((s) => s.raw));
    expect(python, 'python3 oracle failed').not.toBeNull();
    expect(python).toHaveLength(subjects.length);
    let agree = 0;
    const excluded = new Map<string, number>();
    const disagreements: string[] = [];
    subjects.forEach((s, i) => {
      const theirs = python![i]!;
      const ours = s.ours;
      if (theirs.ok !== undefined && normalizeSubject(theirs.ok) === normalizeSubject(ours)) {
        agree++;
        return;
      }
      const unfolded = s.raw.toString('latin1').replace(/(?:\r\n|\r|\n)(?=[ \t])/g, '').trim();
      const justified = JUSTIFIED.get(s.name);
      const why = justified && justified.ours === ours ? justified.why : differenceClass(s.raw, unfolded, theirs);
      if (!why) {
        disagreements.push(`${s.name}: ours ${JSON.stringify(ours)} python ${JSON.stringify(theirs.ok)}`);
        return;
      }
      excluded.set(why, (excluded.get(why) ?? 0) + 1);
      // raw 8-bit is where our decoding must do better than Python's surrogate escapes: never U+FFFD
      if (why === 'raw 8-bit' && ours.includes('\ufffd')) disagreements.push(`${s.name}: U+FFFD in ${JSON.stringify(ours)}`);
    });
    const compared = subjects.length - [...excluded.values()].reduce((a, b) => a + b, 0);
    console.info(
      `subjects: ${agree}/${compared} agree with CPython (${subjects.length} total; excluded by class:`,
      Object.fromEntries(excluded),
      ')',
    );
    expect(disagreements).toEqual([]);
    // the difference classes must stay the exception, not swallow the comparison
    expect(agree).toBeGreaterThan(subjects.length * 0.95);
  });
});
