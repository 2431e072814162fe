import type { ServerResponse } from 'node:http';

/**
 * Exchange counts a request as in flight until it answers. The socket's 'close' event comes a turn or two
 * after the answer was written, late enough for the client's next request to arrive first and be counted
 * as a fifth concurrent one. So the in-flight slot is released the moment the answer is written.
 */
const releases = new WeakMap<ServerResponse, () => void>();

export function releaseWhenAnswered(response: ServerResponse, release: () => void): void {
  releases.set(response, release);
  // A client that goes away without an answer frees its slot too.
  response.on('close', release);
}

export function answering(response: ServerResponse): void {
  releases.get(response)?.();
  releases.delete(response);
}
