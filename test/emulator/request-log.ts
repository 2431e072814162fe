export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  requestId: string;
  /** The app the bearer token names (unverified; 'anonymous' without one); absent for Entra and inspection. */
  appId?: string;
}

/** Every answered request, for request counts by status and for "no request went elsewhere" checks. */
export class RequestLog {
  private readonly entries: LoggedRequest[] = [];

  record(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  countsByStatus(): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const entry of this.entries) counts[entry.status] = (counts[entry.status] ?? 0) + 1;
    return counts;
  }

  all(): LoggedRequest[] {
    return this.entries.map((entry) => ({ ...entry }));
  }
}
