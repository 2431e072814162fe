/** Reading an OData collection page by page, following `@odata.nextLink` verbatim as Graph asks. */
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
  while (path !== undefined) {
    const response: GraphResponse<ODataPage<T>> = await http.request<ODataPage<T>>(mailbox, { method: 'GET', path });
    yield* response.body.value ?? [];
    path = nextPath(response.body['@odata.nextLink'], response.url);
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
