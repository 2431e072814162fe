/** Reading an OData collection page by page, following `@odata.nextLink` verbatim as Graph asks. */
import type { GraphRequester, GraphResponse } from './graph-requester.js';

export interface ODataPage<T> {
  readonly value?: readonly T[];
  readonly '@odata.nextLink'?: string;
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
    path = response.body['@odata.nextLink'];
  }
}

export async function collectAll<T>(http: GraphRequester, mailbox: string, firstPath: string): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection<T>(http, mailbox, firstPath)) items.push(item);
  return items;
}
