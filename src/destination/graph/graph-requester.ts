/**
 * The one thing the Graph destination needs from the HTTP layer. GraphHttp (graph-http.ts) satisfies it
 * structurally; tests may hand in anything that does. Keeping it narrow lets every module here be driven
 * by a plain fake without the governor, tokens or retries.
 */

export type GraphMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface GraphRequest {
  readonly method: GraphMethod;
  /** `/users/x/...` relative to the Graph root and version, or an absolute https URL (nextLink, uploadUrl). */
  readonly path: string;
  readonly version?: 'v1.0' | 'beta';
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly contentType?: string;
  /** A request that creates something: the HTTP layer must not resend it after an ambiguous failure. */
  readonly isCreate?: boolean;
  /** Bytes this request uploads, for the 150 MB per 5 minutes budget. */
  readonly uploadBytes?: number;
  /** False for pre-authenticated URLs (upload sessions): no Authorization header. */
  readonly authenticate?: boolean;
  readonly timeoutMs?: number;
}

export interface GraphResponse<T> {
  readonly status: number;
  readonly headers: unknown;
  readonly body: T;
}

export interface GraphRequester {
  request<T>(mailbox: string, request: GraphRequest): Promise<GraphResponse<T>>;
}
