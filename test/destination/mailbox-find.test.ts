import { describe, expect, it } from 'vitest';
import { lookupFilters, matches } from '../../src/destination/graph/find-message.js';
import { FINGERPRINT_PROPERTY_ID, propertyEqualsFilter } from '../../src/destination/graph/named-property.js';
import { odataString } from '../../src/destination/graph/odata.js';
import type { DestinationMessage } from '../../src/destination/types.js';
import { fingerprint } from '../../src/message/fingerprint.js';

const date = new Date('2024-03-05T10:00:00Z');

function candidate(extra: Partial<DestinationMessage>): DestinationMessage {
  return {
    id: 'x',
    subject: 'Hello',
    sentDateTime: '2024-03-05T10:00:00Z',
    receivedDateTime: null,
    internetMessageId: null,
    isDraft: false,
    importFingerprint: null,
    ...extra,
  };
}

describe('named property', () => {
  it('builds the id and an Any filter with quotes doubled', () => {
    expect(FINGERPRINT_PROPERTY_ID).toMatch(/^String \{[0-9a-f-]{36}\} Name EmlImportFingerprint$/);
    expect(propertyEqualsFilter('String {g} Name N', "it's")).toBe(
      "singleValueExtendedProperties/Any(ep: ep/id eq 'String {g} Name N' and ep/value eq 'it''s')",
    );
  });

  it('escapes single quotes in OData strings', () => {
    expect(odataString("<o'brien@x>")).toBe("'<o''brien@x>'");
  });
});

describe('lookupFilters', () => {
  it('tries the property first, then the Message-ID', () => {
    const filters = lookupFilters('fp', { subject: 's', date, messageId: "<a'b@c>" });
    expect(filters.map((f) => f.kind)).toEqual(['property', 'message-id']);
    expect(filters[1]?.filter).toBe("internetMessageId eq '<a''b@c>'");
  });

  it('looks for a Message-ID written without angle brackets as written and as the server stores it', () => {
    const filters = lookupFilters('fp', { subject: 's', date, messageId: ' 00220 ' });
    expect(filters.map((f) => f.filter).slice(1)).toEqual(["internetMessageId eq '00220'", "internetMessageId eq '<00220>'"]);
    expect(filters.map((f) => f.kind).slice(1)).toEqual(['message-id', 'message-id']);
  });

  it('falls back to the sent date, and to the subject for undated messages', () => {
    expect(lookupFilters('fp', { subject: 's', date, messageId: null })[1]).toEqual({
      kind: 'sent-date',
      filter: 'sentDateTime eq 2024-03-05T10:00:00Z',
    });
    expect(lookupFilters('fp', { subject: "it's", date: null, messageId: null })[1]).toEqual({
      kind: 'subject',
      filter: "subject eq 'it''s'",
    });
  });
});

describe('matches', () => {
  const fp = fingerprint('Hello', date);
  const hint = { subject: 'Hello', date, messageId: '<m@x>' };

  it('accepts our property or a recomputed fingerprint', () => {
    expect(matches(candidate({ importFingerprint: fp, subject: 'other' }), 'property', fp, hint)).toBe(true);
    expect(matches(candidate({ subject: ' Hello ' }), 'sent-date', fp, hint)).toBe(true);
  });

  it('rejects another message sent in the same second', () => {
    expect(matches(candidate({ subject: 'Different' }), 'sent-date', fp, hint)).toBe(false);
  });

  it('a Message-ID match accepts a subject the server read in another charset, not another subject', () => {
    const ours = { ...hint, subject: 'Die Hasen und die Frösche' };
    expect(matches(candidate({ subject: 'Die Hasen und die FrÃ¶sche' }), 'message-id', 'f', ours)).toBe(true);
    expect(matches(candidate({ subject: 'Die Hasen und die Frösche' }), 'message-id', 'f', ours)).toBe(true);
    expect(matches(candidate({ subject: 'Die Hasen und die Mäuse' }), 'message-id', 'f', ours)).toBe(false);
    expect(matches(candidate({ subject: 'Die Hasen und die FrÃ¶sche' }), 'subject', 'f', { ...ours, messageId: null })).toBe(false);
  });

  it('a Message-ID match in the same second accepts a raw Big5 subject the server read as windows-1252', () => {
    const ours = { ...hint, subject: '[SLAT-talk] 鉅靡6月17日新片又到' };
    const server = '[SLAT-talk] ¹dÃû6¤ë17¤é·s¤ù¤S¨ì';
    expect(matches(candidate({ subject: server }), 'message-id', 'f', ours)).toBe(true);
    // Another second, or another text before the first character past ASCII: not the same message.
    expect(matches(candidate({ subject: server, sentDateTime: '2020-01-01T00:00:00Z' }), 'message-id', 'f', ours)).toBe(false);
    expect(matches(candidate({ subject: '[other-list] ¹dÃû6¤ë17¤é·s¤ù¤S¨ì' }), 'message-id', 'f', ours)).toBe(false);
  });

  it('by subject alone: another reading of the same header or a server-stamped date, never a message of other days', () => {
    const noId = { ...hint, messageId: null };
    expect(matches(candidate({ sentDateTime: '2024-03-05T20:30:00Z' }), 'subject', 'f', noId)).toBe(true);
    expect(matches(candidate({ sentDateTime: '2026-12-06T11:42:07Z', receivedDateTime: '2026-12-06T11:42:07Z' }), 'subject', 'f', noId)).toBe(true);
    expect(matches(candidate({ sentDateTime: '2024-04-07T10:00:00Z' }), 'subject', 'f', noId)).toBe(false);
    expect(matches(candidate({ sentDateTime: '2024-04-07T10:00:00Z' }), 'subject', 'f', { ...noId, date: null })).toBe(true);
  });

  it('accepts a Message-ID match with the same subject even when Exchange dated it differently', () => {
    expect(matches(candidate({ sentDateTime: '2026-11-22T00:00:00Z' }), 'message-id', fp, hint)).toBe(true);
    expect(matches(candidate({ sentDateTime: '2026-11-22T00:00:00Z' }), 'sent-date', fp, hint)).toBe(false);
  });
});
