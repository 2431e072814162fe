/**
 * Resolving a target path to a folder id, creating what is missing. One resolver per mailbox per run:
 * each parent's children are listed at most once (plus once after a lost create race), each folder is
 * created at most once, and concurrent callers share the work.
 */
import { NoRetryError } from '../../accounting/errors.js';
import type { FolderRef } from '../types.js';
import { PromiseCache } from './folder-cache.js';
import { errorCode } from './graph-error.js';
import type { GraphRequester } from './graph-requester.js';
import { queryString, segment, userPath } from './odata.js';
import { collectAll } from './paging.js';
import { childPath, folderNameKey } from './folder-names.js';
import { wellKnownFolder, type WellKnownFolder } from '../../policy/well-known-folders.js';
import { mailFolderName } from '../../policy/non-mail-folders.js';

/** Creating a folder failed with ErrorFolderExists, and no listed folder holds the name. */
class HeldNameError extends NoRetryError {
  constructor(message: string) {
    super(message, 'ErrorFolderExists');
  }
}

interface GraphFolder {
  readonly id: string;
  readonly displayName: string;
}


export class FolderResolver {
  private readonly anchors = new PromiseCache<FolderRef | null>();
  private readonly children = new PromiseCache<Map<string, FolderRef>>();
  private readonly ensured = new PromiseCache<FolderRef>();

  constructor(
    private readonly http: GraphRequester,
    private readonly mailbox: string,
  ) {}

  /** Finds or creates the folder at `segments`; segments are display names, never split on `/`. */
  ensure(segments: readonly string[]): Promise<FolderRef> {
    const { anchor, rest } = splitTarget(segments);
    return this.ensureUnder(anchor, rest);
  }

  /** The folder at `segments`, or null; creates nothing. */
  async find(segments: readonly string[]): Promise<FolderRef | null> {
    const { anchor, rest } = splitTarget(segments);
    const known = this.ensured.peek(pathKey(anchor, rest));
    if (known !== undefined) {
      try {
        return await known;
      } catch {
        // fall through to a plain lookup
      }
    }
    let folder = await this.anchor(anchor);
    for (const name of rest) {
      if (folder === null) return null;
      const children = await this.childrenOf(folder);
      // Where the name was held by an unlisted non-mail folder, the import made mailFolderName's instead.
      folder = children.get(folderNameKey(name)) ?? children.get(folderNameKey(mailFolderName(name))) ?? null;
    }
    return folder;
  }

  private ensureUnder(anchor: WellKnownFolder, rest: readonly string[]): Promise<FolderRef> {
    return this.ensured.get(pathKey(anchor, rest), async () => {
      if (rest.length === 0) {
        const folder = await this.anchor(anchor);
        if (folder === null) {
          throw new NoRetryError(`${this.mailbox} has no '${anchor}' folder`, 'ErrorItemNotFound', 404);
        }
        return folder;
      }
      const parent = await this.ensureUnder(anchor, rest.slice(0, -1));
      const name = rest[rest.length - 1] as string;
      return (await this.childrenOf(parent)).get(folderNameKey(name)) ?? (await this.create(parent, name));
    });
  }

  private anchor(name: WellKnownFolder): Promise<FolderRef | null> {
    return this.anchors.get(name, async () => {
      try {
        const response = await this.http.request<GraphFolder>(this.mailbox, {
          method: 'GET',
          path: `${userPath(this.mailbox)}/mailFolders/${name}${queryString({ $select: 'id,displayName' })}`,
        });
        // Paths are relative to the root, as listFolders builds them.
        return { id: response.body.id, path: name === 'msgfolderroot' ? '' : response.body.displayName };
      } catch (error) {
        if (errorCode(error) === 'ErrorItemNotFound' || errorCode(error) === 'ErrorFolderNotFound') return null;
        throw error;
      }
    });
  }

  private childrenOf(parent: FolderRef): Promise<Map<string, FolderRef>> {
    return this.children.get(parent.id, async () => {
      const query = queryString({ includeHiddenFolders: true, $top: 100, $select: 'id,displayName' });
      const folders = await collectAll<GraphFolder>(
        this.http,
        this.mailbox,
        `${userPath(this.mailbox)}/mailFolders/${segment(parent.id)}/childFolders${query}`,
      );
      const byName = new Map<string, FolderRef>();
      for (const folder of folders) {
        const key = folderNameKey(folder.displayName);
        if (!byName.has(key)) byName.set(key, { id: folder.id, path: childPath(parent.path, folder.displayName) });
      }
      return byName;
    });
  }

  /**
   * Creates the folder; where its name is held by a folder Graph does not list (a non-mail folder of the
   * mailbox's locale: Notizen, Kalender, Aufgaben...), creates (or finds) mailFolderName's instead. Without
   * that, the folder's mail failed on every run of a German mailbox, as "Notes" did in an English one.
   */
  private async create(parent: FolderRef, name: string): Promise<FolderRef> {
    try {
      return await this.createNamed(parent, name);
    } catch (error) {
      if (!(error instanceof HeldNameError)) throw error;
      const instead = mailFolderName(name);
      return (await this.childrenOf(parent)).get(folderNameKey(instead)) ?? (await this.createNamed(parent, instead).catch((again: unknown) => {
        throw again instanceof HeldNameError ? error : again;
      }));
    }
  }

  private async createNamed(parent: FolderRef, name: string): Promise<FolderRef> {
    try {
      // Not marked isCreate: a resent folder create cannot duplicate, it fails with ErrorFolderExists.
      const response = await this.http.request<GraphFolder>(this.mailbox, {
        method: 'POST',
        path: `${userPath(this.mailbox)}/mailFolders/${segment(parent.id)}/childFolders`,
        body: { displayName: name },
        contentType: 'application/json',
      });
      const folder = { id: response.body.id, path: childPath(parent.path, response.body.displayName ?? name) };
      (await this.childrenOf(parent)).set(folderNameKey(name), folder);
      return folder;
    } catch (error) {
      // Lost a race with another client, or the name is held by a folder our listing did not show.
      if (errorCode(error) !== 'ErrorFolderExists') throw error;
      this.children.forget(parent.id);
      const existing = (await this.childrenOf(parent)).get(folderNameKey(name));
      if (existing !== undefined) return existing;
      throw new HeldNameError(`cannot create folder '${childPath(parent.path, name)}': Exchange says it exists but it is not listed`);
    }
  }
}

/** Splits off the anchor: a leading well-known name, else the root of the mailbox. */
export function splitTarget(segments: readonly string[]): { anchor: WellKnownFolder; rest: readonly string[] } {
  if (segments.length === 0) throw new NoRetryError('empty folder path');
  for (const name of segments) {
    if (name.trim() === '') throw new NoRetryError(`empty folder name in path ${JSON.stringify(segments)}`);
  }
  const first = wellKnownFolder(segments[0] as string);
  return first === null ? { anchor: 'msgfolderroot', rest: segments } : { anchor: first, rest: segments.slice(1) };
}

function pathKey(anchor: WellKnownFolder, rest: readonly string[]): string {
  // NUL cannot occur in a display name we are given, so it keeps `a/b` and `a`,`b` apart.
  return [anchor, ...rest.map(folderNameKey)].join('\u0000');
}
