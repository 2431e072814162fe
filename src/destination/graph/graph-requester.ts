/**
 * The one thing the Graph destination needs from the HTTP layer: GraphHttp's `request`. Typed as a Pick so
 * every module here depends on that method alone, and a test can script it without the governor, tokens
 * or retries.
 */
import type { GraphHttp } from './graph-http.js';

export type { GraphRequest, GraphResponse } from './graph-http.js';

export type GraphRequester = Pick<GraphHttp, 'request'>;
