/**
 * Memoised promises keyed by string: the first caller starts the work, everyone else awaits the same
 * promise, so concurrent lookups of one folder coalesce into one request. A failure is forgotten at once
 * so that a later caller tries again instead of inheriting a stale error.
 */
export class PromiseCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  get(key: string, start: () => Promise<T>): Promise<T> {
    const existing = this.entries.get(key);
    if (existing !== undefined) return existing;
    const started = start();
    this.entries.set(key, started);
    started.catch(() => {
      if (this.entries.get(key) === started) this.entries.delete(key);
    });
    return started;
  }

  /** The cached promise, if any, without starting anything. */
  peek(key: string): Promise<T> | undefined {
    return this.entries.get(key);
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
