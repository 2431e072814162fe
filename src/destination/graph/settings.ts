/** Options of the Graph destination, each with its default and why. */
import { UPLOAD_CHUNK_BYTES } from './limits.js';
import { MESSAGE_PAGE_SIZE } from './inventory.js';

export interface GraphDestinationOptions {
  /** 'v1.0' for tenants that will not grant Mail-Advanced.ReadWrite.All: every message takes the JSON path. Default 'beta'. */
  readonly api?: 'beta' | 'v1.0';
  /** `$top` for message listings; default 1000, Graph's maximum. Smaller only for tests. */
  readonly messagePageSize?: number;
  /** Upload-session range size; default 3.125 MiB (10 x 320 KiB), under Graph's 4 MB request limit. */
  readonly chunkBytes?: number;
  /** Failed PUTs of one range before an attachment is given up; default 3. */
  readonly attemptsPerRange?: number;
}

export type GraphDestinationSettings = Required<GraphDestinationOptions>;

export function resolveSettings(options: GraphDestinationOptions): GraphDestinationSettings {
  const settings: GraphDestinationSettings = {
    api: options.api ?? 'beta',
    messagePageSize: options.messagePageSize ?? MESSAGE_PAGE_SIZE,
    chunkBytes: options.chunkBytes ?? UPLOAD_CHUNK_BYTES,
    attemptsPerRange: options.attemptsPerRange ?? 3,
  };
  check(settings.api === 'beta' || settings.api === 'v1.0', 'api', settings.api);
  check(Number.isInteger(settings.messagePageSize) && settings.messagePageSize >= 1 && settings.messagePageSize <= 1000, 'messagePageSize', settings.messagePageSize);
  check(Number.isInteger(settings.chunkBytes) && settings.chunkBytes >= 1 && settings.chunkBytes < 4 * 1024 * 1024, 'chunkBytes', settings.chunkBytes);
  check(Number.isInteger(settings.attemptsPerRange) && settings.attemptsPerRange >= 1, 'attemptsPerRange', settings.attemptsPerRange);
  return settings;
}

function check(ok: boolean, name: string, value: unknown): void {
  if (!ok) throw new TypeError(`invalid Graph destination option ${name}: ${String(value)}`);
}
