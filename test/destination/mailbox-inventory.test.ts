import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FINGERPRINT_PROPERTY_ID } from '../../src/destination/graph/named-property.js';
import type { DestinationMessage } from '../../src/destination/types.js';
import { ANN, startHarness, type Harness } from './mailbox-harness.js';

async function all(iterable: AsyncIterable<DestinationMessage>): Promise<DestinationMessage[]> {
  const items: DestinationMessage[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('Graph destination inventory (emulator)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness?.close());

  it('lists 1,100 messages across pages of 1000, with our fingerprint where there is one', async () => {
    const mailbox = harness.mailbox();
    const folder = await mailbox.ensureFolder(['inbox', 'Bulk']);
    for (let i = 0; i < 1100; i += 1) {
      await harness.emulator.addMessage(ANN, 'Inbox/Bulk', {
        subject: `bulk ${i}`,
        sentDateTime: new Date(Date.UTC(2020, 0, 1, 0, 0, i)).toISOString().replace('.000', ''),
        internetMessageId: `<bulk-${i}@example.com>`,
        isDraft: i === 7,
        ...(i % 100 === 0 ? { extendedProperties: [{ id: FINGERPRINT_PROPERTY_ID, value: `fp-${i}` }] } : {}),
      });
    }
    const before = harness.emulator.inspect.requests().length;
    const messages = await all(mailbox.listMessages(folder));
    const requests = harness.emulator.inspect.requests().slice(before);
    expect(requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    expect(messages).toHaveLength(1100);
    expect(new Set(messages.map((m) => m.id)).size).toBe(1100);
    expect(new Set(messages.map((m) => m.subject))).toEqual(new Set(Array.from({ length: 1100 }, (_, i) => `bulk ${i}`)));
    const byId = new Map(messages.map((m) => [m.internetMessageId, m]));
    expect(byId.get('<bulk-300@example.com>')?.importFingerprint).toBe('fp-300');
    expect(byId.get('<bulk-301@example.com>')?.importFingerprint).toBeNull();
    expect(byId.get('<bulk-7@example.com>')?.isDraft).toBe(true);
    expect(byId.get('<bulk-5@example.com>')?.sentDateTime).toBe('2020-01-01T00:00:05Z');

    const counts = await mailbox.listFolders();
    expect(counts.find((f) => f.path === 'Inbox/Bulk')?.totalItemCount).toBe(1100);
  });

  it('follows nextLink verbatim with a small page size', async () => {
    const mailbox = harness.mailbox(ANN, { messagePageSize: 7 });
    const folder = await mailbox.ensureFolder(['inbox', 'Small']);
    for (let i = 0; i < 20; i += 1) await harness.emulator.addMessage(ANN, 'Inbox/Small', { subject: `small ${i}` });
    const before = harness.emulator.inspect.requests().length;
    const messages = await all(mailbox.listMessages(folder));
    expect(harness.emulator.inspect.requests().slice(before).filter((r) => r.method === 'GET')).toHaveLength(3);
    expect(messages.map((m) => m.subject).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `small ${i}`).sort());
  });
});
