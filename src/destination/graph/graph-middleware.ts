/**
 * The Graph client's middleware chain, replacing its default one: bearer token from our TokenSource, then
 * fetch. No RetryHandler (it resends POSTs on 503/504, which duplicates creates) and no RedirectHandler;
 * GraphHttp does all retrying, through should-retry.
 */
import { httpsFetch, plainHeaders } from './https-fetch.js';
import type { Context, Middleware, MiddlewareOptions } from '@microsoft/microsoft-graph-client';
import type { TokenSource } from './token-source.js';

/**
 * Per-request settings and results that travel through the chain. The client wraps anything a middleware
 * throws into a GraphError and loses its cause, so failures are also recorded here for GraphHttp to read.
 */
export class RequestControl implements MiddlewareOptions {
  /** A token acquisition failure (already classified by the TokenSource). */
  authFailure: unknown = undefined;
  /** The error fetch threw: no response arrived. */
  transportError: unknown = undefined;

  constructor(
    /** False for pre-authenticated URLs (upload sessions), which must not receive our token. */
    readonly authenticate: boolean,
    /** Ask for a fresh token rather than msal's cached one (after a 401). */
    readonly forceRefresh: boolean,
  ) {}
}

function controlOf(context: Context): RequestControl | undefined {
  const option = context.middlewareControl?.getMiddlewareOptions(RequestControl);
  return option instanceof RequestControl ? option : undefined;
}

export class TokenMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly tokens: TokenSource) {}

  async execute(context: Context): Promise<void> {
    const control = controlOf(context);
    // A plain object, not a web Headers: httpsFetch reads it as it is (the client gives one).
    const headers = plainHeaders(context.options?.headers as RequestInit['headers']);
    delete headers['authorization'];
    if (control?.authenticate !== false) {
      let token: string;
      try {
        token = await this.tokens.getToken({ forceRefresh: control?.forceRefresh === true });
      } catch (error) {
        if (control) control.authFailure = error;
        throw error;
      }
      headers['authorization'] = `Bearer ${token}`;
    }
    context.options = { ...context.options, headers };
    if (!this.next) throw new Error('TokenMiddleware must be followed by FetchMiddleware');
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

export class FetchMiddleware implements Middleware {
  async execute(context: Context): Promise<void> {
    try {
      // The client hands a RAW answer back untouched (GraphResponseHandler), so GraphHttp gets what it reads.
      context.response = (await httpsFetch(context.request, context.options as RequestInit)) as Response;
    } catch (error) {
      const control = controlOf(context);
      if (control) control.transportError = error;
      throw error;
    }
  }
}
