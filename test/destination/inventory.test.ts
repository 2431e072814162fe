import { describe, expect, it } from 'vitest';
import { messageQuery, toDestinationMessage } from '../../src/destination/graph/inventory.js';
import { FINGERPRINT_PROPERTY_ID } from '../../src/destination/graph/named-property.js';

describe('toDestinationMessage', () => {
  it('reads our fingerprint from the expanded property, whatever casing Graph echoes', () => {
    const message = toDestinationMessage({
      id: 'm1',
      subject: 'Hi',
      sentDateTime: '2024-01-02T03:04:05Z',
      receivedDateTime: '2024-01-02T03:05:00Z',
      internetMessageId: '<a@b>',
      isDraft: false,
      singleValueExtendedProperties: [{ id: FINGERPRINT_PROPERTY_ID.replace('String', 'string').toUpperCase(), value: 'fp' }],
    });
    expect(message).toEqual({
      id: 'm1',
      subject: 'Hi',
      sentDateTime: '2024-01-02T03:04:05Z',
      receivedDateTime: '2024-01-02T03:05:00Z',
      internetMessageId: '<a@b>',
      isDraft: false,
      importFingerprint: 'fp',
    });
  });

  it('fills what Graph leaves out', () => {
    expect(toDestinationMessage({ id: 'm2', subject: null })).toEqual({
      id: 'm2',
      subject: '',
      sentDateTime: null,
      receivedDateTime: null,
      internetMessageId: null,
      isDraft: false,
      importFingerprint: null,
    });
  });
});

describe('messageQuery', () => {
  it('selects, expands only our property, and encodes the values', () => {
    const query = messageQuery({ top: 1000 });
    const params = new URLSearchParams(query.slice(1));
    expect(params.get('$select')).toBe('id,subject,sentDateTime,receivedDateTime,internetMessageId,isDraft');
    expect(params.get('$expand')).toBe(`singleValueExtendedProperties($filter=id eq '${FINGERPRINT_PROPERTY_ID}')`);
    expect(params.get('$top')).toBe('1000');
    expect(query).not.toContain(' ');
  });
});
