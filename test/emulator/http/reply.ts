/** What a handler answers; the server turns it into bytes, so handlers stay free of socket concerns. */
export interface Reply {
  status: number;
  /** Objects are sent as Graph-style JSON; strings and Buffers as they are. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export const GRAPH_JSON_TYPE =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export function jsonReply(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return { status, body, contentType: GRAPH_JSON_TYPE, ...(headers ? { headers } : {}) };
}

export function textReply(status: number, text: string): Reply {
  return { status, body: text, contentType: 'text/plain;charset=utf-8' };
}

export function emptyReply(status: number, headers?: Record<string, string>): Reply {
  return { status, ...(headers ? { headers } : {}) };
}
