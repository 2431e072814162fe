/** Reading an OData collection page by page, following `@odata.nextLink` verbatim as Graph asks. */
import { RetryableError } from '../../accounting/errors.js';
import type { GraphRequester, GraphResponse } from './graph-requester.js';

export interface ODataPage<T> {
  readonly value?: readonly T[];
  readonly '@odata.nextLink'?: string | null;
}

/** Every item of the collection at `firstPath`, one page in memory at a time. */
export async function* collection<T>(
  http: GraphRequester,
  mailbox: string,
  firstPath: string,
): AsyncGenerator<T> {
  let path: string | undefined = firstPath;
  const followed = new Set<string>();
  while (path !== undefined) {
    const response: GraphResponse<ODataPage<T>> = await http.request<ODataPage<T>>(mailbox, { method: 'GET', path });
    yield* response.body.value ?? [];
    path = nextPath(response.body['@odata.nextLink'], response.url);
    if (path !== undefined) {
      // Mail listings once answered the same nextLink page after page for days (microsoft-graph-docs-contrib
      // #7004): followed as it is, the listing never ended and the run read one page forever.
      if (followed.has(path)) throw new RetryableError(`Graph listed ${firstPath.split('?')[0] ?? firstPath} with a nextLink it had already given; the listing was stopped`, 'RepeatedNextLink');
      followed.add(path);
    }
  }
}

/**
 * Where the next page is. Graph writes an absolute link and leaves it out on the last page; OData also
 * allows a relative link (resolved against the page's own URL: taken as a path under the Graph URL and
 * version, `/v1.0/users/…` became `/v1.0/v1.0/users/…`) and a null one on the last page (a serialiser's
 * default: it crashed every listing). Found by a probe against a Graph server that is not our emulator.
 */
function nextPath(link: string | null | undefined, pageUrl: string | undefined): string | undefined {
  if (typeof link !== 'string' || link === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(link) || pageUrl === undefined) return link;
  return new URL(link, pageUrl).href;
}

export async function collectAll<T>(http: GraphRequester, mailbox: string, firstPath: string): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection<T>(http, mailbox, firstPath)) items.push(item);
  return items;
}
