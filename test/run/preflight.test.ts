import { describe, expect, it } from 'vitest';
import { ClassifiedError } from '../../src/accounting/errors.js';
import type { GraphRequester } from '../../src/destination/graph/graph-requester.js';
import { runPreflight } from '../../src/run/preflight.js';

const token = `x.${Buffer.from(JSON.stringify({ roles: ['Mail.ReadWrite', 'Mail-Advanced.ReadWrite.All'] })).toString('base64url')}.y`;
const tokens = { getToken: () => Promise.resolve(token) };

/** Answers each mailbox check on a later turn, counting how many were open at once; `gone` mailboxes 404. */
function scriptedGraph(gone: ReadonlySet<string>): { graph: GraphRequester; mostAtOnce: () => number } {
  let open = 0;
  let most = 0;
  const graph = {
    request: async (mailbox: string) => {
      open += 1;
      most = Math.max(most, open);
      await new Promise((resolve) => setTimeout(resolve, 5));
      open -= 1;
      if (gone.has(mailbox)) throw new ClassifiedError(`The requested user '${mailbox}' is invalid.`, 'no-retry', 'ErrorInvalidUser', 404);
      return { status: 200, headers: new Headers(), body: { id: 'inbox' } };
    },
  } as unknown as GraphRequester;
  return { graph, mostAtOnce: () => most };
}

describe('preflight', () => {
  it('checks many mailboxes at once, bounded, and reports them in the order given', async () => {
    const mailboxes = Array.from({ length: 100 }, (_, i) => `user${i}@contoso.com`);
    const { graph, mostAtOnce } = scriptedGraph(new Set(['user7@contoso.com', 'user70@contoso.com']));
    const checks = await runPreflight(tokens, graph, mailboxes, 'beta');
    const mailboxChecks = checks.filter((c) => c.name.startsWith('mailbox '));
    expect(mailboxChecks.map((c) => c.name)).toEqual(mailboxes.map((m) => `mailbox ${m}`));
    expect(mailboxChecks.filter((c) => !c.ok).map((c) => c.mailboxMissing?.mailbox)).toEqual(['user7@contoso.com', 'user70@contoso.com']);
    expect(checks.filter((c) => !c.name.startsWith('mailbox ')).every((c) => c.ok)).toBe(true);
    expect(mostAtOnce()).toBeGreaterThan(1);
    expect(mostAtOnce()).toBeLessThanOrEqual(32);
  });
});
