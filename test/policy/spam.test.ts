import { describe, expect, it } from 'vitest';
import { SPAM_RULES, classifySpam, isJunkFolder } from '../../src/policy/spam.js';
import { parseHeaderRule } from '../../src/policy/header-rule.js';
import type { SpamOptions } from '../../src/policy/types.js';

const defaults: SpamOptions = { keepJunk: false, userRules: [] };
const headers = (entries: Record<string, string | string[]>): Map<string, string[]> =>
  new Map(Object.entries(entries).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
const classify = (h: Record<string, string | string[]>, folder = ['Inbox'], options = defaults) =>
  classifySpam({ folderSegments: folder, headers: headers(h) }, options);

describe('classifySpam: built-in header rules', () => {
  it.each([
    ['x-spam-flag', 'YES', SPAM_RULES.spamFlag],
    ['x-spam-flag', ' yes', SPAM_RULES.spamFlag],
    ['x-spam-status', 'Yes, score=7.1 required=5.0', SPAM_RULES.spamStatus],
    ['x-ses-spam-verdict', 'FAIL', SPAM_RULES.sesSpamVerdict],
    ['x-ses-virus-verdict', 'FAIL', SPAM_RULES.sesVirusVerdict],
  ])('%s: %s is spam by %s', (name, value, rule) => {
    expect(classify({ [name]: value })).toEqual({ spam: true, rule });
  });

  it.each([
    ['x-spam-flag', 'NO'],
    ['x-spam-status', 'No, score=-1.0 required=5.0'],
    ['x-spam-status', 'Yesterday'],
    ['x-ses-spam-verdict', 'PASS'],
    ['x-ses-virus-verdict', 'PASS'],
    ['subject', 'X-Spam-Flag: YES'],
  ])('%s: %s is not spam', (name, value) => {
    expect(classify({ [name]: value })).toEqual({ spam: false });
  });

  it('takes the topmost occurrence of a repeated header: the hop nearest the mailbox', () => {
    expect(classify({ 'x-spam-status': ['Yes, score=9', 'No, score=0'] })).toEqual({ spam: true, rule: SPAM_RULES.spamStatus });
    // a partner relay's (or the sender's own) YES lower in the block does not override the final NO
    expect(classify({ 'x-spam-status': ['No, score=0', 'Yes, score=9'] })).toEqual({ spam: false });
    expect(classify({ 'x-spam-flag': ['NO', 'YES'] })).toEqual({ spam: false });
  });

  it('does not let a FAIL written below SES own PASS drop the message', () => {
    expect(classify({ 'x-ses-spam-verdict': ['PASS', 'FAIL'] })).toEqual({ spam: false });
    expect(classify({ 'x-ses-virus-verdict': ['PASS', 'FAIL'] })).toEqual({ spam: false });
    expect(classify({ 'x-ses-spam-verdict': ['FAIL', 'PASS'] }, ['Inbox'])).toEqual({ spam: true, rule: SPAM_RULES.sesSpamVerdict });
  });

  it('still reads a user rule in every occurrence: the admin named the header', () => {
    const userRules = [parseHeaderRule('X-Foo: ^yes')];
    expect(classify({ 'x-foo': ['no', 'yes'] }, ['Inbox'], { ...defaults, userRules })).toEqual({ spam: true, rule: 'user rule X-Foo: ^yes' });
  });
});

describe('classifySpam: the user own mail', () => {
  it.each([['Sent Items'], ['Sent'], ['Drafts'], ['Outbox']])('applies no spam header verdict in %s', (top) => {
    expect(classify({ 'x-spam-flag': 'YES', 'x-spam-status': 'Yes', 'x-ses-spam-verdict': 'FAIL' }, [top])).toEqual({ spam: false });
    expect(classify({ 'x-ses-virus-verdict': 'FAIL' }, [top])).toEqual({ spam: true, rule: SPAM_RULES.sesVirusVerdict });
  });
});

describe('classifySpam: Junk folders', () => {
  it.each([['Junk E-mail'], ['junk email'], ['JUNK'], ['Spam'], ['Bulk Mail'], [' Junk ']])('%s at the top level is junk', (top) => {
    expect(classify({}, [top, 'sub'])).toEqual({ spam: true, rule: SPAM_RULES.junkFolder });
  });

  it('is not junk below the top level or under another name', () => {
    expect(classify({}, ['Inbox', 'Junk'])).toEqual({ spam: false });
    expect(classify({}, ['Junkyard'])).toEqual({ spam: false });
    expect(classify({}, [])).toEqual({ spam: false });
    expect(isJunkFolder(['Spam', 'x'])).toBe(true);
  });

  it('keeps the Junk folder with keepJunk, header verdicts included, but never a virus', () => {
    const keep = { ...defaults, keepJunk: true };
    expect(classify({}, ['Junk E-mail'], keep)).toEqual({ spam: false });
    expect(classify({ 'x-spam-flag': 'YES' }, ['Junk E-mail'], keep)).toEqual({ spam: false });
    expect(classify({ 'x-ses-virus-verdict': 'FAIL' }, ['Junk E-mail'], keep)).toEqual({
      spam: true,
      rule: SPAM_RULES.sesVirusVerdict,
    });
  });

  it('applies header rules outside Junk folders even with keepJunk', () => {
    expect(classify({ 'x-spam-flag': 'YES' }, ['Inbox'], { ...defaults, keepJunk: true })).toEqual({
      spam: true,
      rule: SPAM_RULES.spamFlag,
    });
  });
});

describe('classifySpam: precedence', () => {
  it('names the virus verdict first, then SES spam, X-Spam-Flag, X-Spam-Status, user rules, Junk folder', () => {
    const all = {
      'x-ses-virus-verdict': 'FAIL',
      'x-ses-spam-verdict': 'FAIL',
      'x-spam-flag': 'YES',
      'x-spam-status': 'Yes',
      'x-foo': 'yes',
    };
    const options = { keepJunk: false, userRules: [parseHeaderRule('X-Foo: ^yes')] };
    const order = ['x-ses-virus-verdict', 'x-ses-spam-verdict', 'x-spam-flag', 'x-spam-status', 'x-foo'];
    const seen: string[] = [];
    const remaining: Record<string, string> = { ...all };
    for (const name of order) {
      const decision = classify(remaining, ['Junk'], options);
      if (decision.spam) seen.push(decision.rule);
      delete remaining[name];
    }
    seen.push((classify(remaining, ['Junk'], options) as { rule: string }).rule);
    expect(seen).toEqual([
      SPAM_RULES.sesVirusVerdict,
      SPAM_RULES.sesSpamVerdict,
      SPAM_RULES.spamFlag,
      SPAM_RULES.spamStatus,
      'user rule X-Foo: ^yes',
      SPAM_RULES.junkFolder,
    ]);
  });
});

describe('classifySpam: user rules', () => {
  const options = { keepJunk: false, userRules: [parseHeaderRule('X-Foo: ^yes'), parseHeaderRule('x-bar: spam\\d')] };

  it('matches the header case-insensitively, name and value', () => {
    expect(classify({ 'x-foo': 'YES please' }, ['Inbox'], options)).toEqual({ spam: true, rule: 'user rule X-Foo: ^yes' });
    expect(classify({ 'x-bar': 'is SPAM7' }, ['Inbox'], options)).toEqual({ spam: true, rule: 'user rule x-bar: spam\\d' });
  });

  it('does not match other values or headers', () => {
    expect(classify({ 'x-foo': 'no yes' }, ['Inbox'], options)).toEqual({ spam: false });
    expect(classify({ 'x-other': 'yes' }, ['Inbox'], options)).toEqual({ spam: false });
  });
});
