/**
 * eml-import's Date reading against the emulator's independent one (test/emulator/sent-date.ts, which models
 * how Exchange sets sentDateTime) over the shared corpus: a message dated from its Date header must get the
 * same instant on both sides, or the destination's copy would not match the message's fingerprint.
 */
import { describe, expect, it } from 'vitest';
import { summarizeMessage } from '../../src/message/summarize.js';
import { sentDateTimeOf } from '../emulator/mime-summary.js';
import { CORPUS, corpusPresent, loadCorpus } from './corpus.js';

if (!corpusPresent) console.warn(`corpus date comparison skipped: no corpus at ${CORPUS}`);

describe.skipIf(!corpusPresent)('corpus dates', () => {
  it('dates every message from its Date header as the emulator does', { timeout: 60_000 }, () => {
    const messages = loadCorpus();
    let fromHeader = 0;
    const disagreements: string[] = [];
    for (const m of messages) {
      const s = summarizeMessage(m.bytes);
      if (s.dateSource !== 'date' && s.dateSource !== 'date-assumed-zone') continue;
      fromHeader += 1;
      const ours = s.date!.toISOString().replace(/\.\d{3}Z$/, 'Z');
      const server = sentDateTimeOf(m.bytes);
      if (server !== ours) disagreements.push(`${m.name}: eml-import ${ours}, emulator ${server}`);
    }
    expect(fromHeader).toBeGreaterThan(2000);
    expect(disagreements).toEqual([]);
  });
});
