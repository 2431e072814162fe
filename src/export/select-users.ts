/** A WorkMail user as ListUsers gives it, reduced to what the export needs. */
export interface WorkMailUser {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
  readonly state: string | null;
  readonly role: string | null;
}

export interface Selection {
  readonly users: readonly WorkMailUser[];
  /** Names given with --users or --users-file that no user answers to. */
  readonly unknown: readonly string[];
  /** Named users that cannot be exported, with the reason. */
  readonly unexportable: readonly { readonly name: string; readonly reason: string }[];
  /** With --all: users passed over (disabled, deleted, without a mailbox address, system users). */
  readonly skipped: readonly { readonly user: WorkMailUser; readonly reason: string }[];
}

/** Only enabled users and resources with an email address have a mailbox WorkMail can export. */
function whyNotExportable(user: WorkMailUser): string | null {
  if (user.state !== 'ENABLED') return `is ${user.state?.toLowerCase() ?? 'in an unknown state'}`;
  if (!user.email) return 'has no email address (no mailbox)';
  if (user.role === 'SYSTEM_USER') return 'is a system user';
  return null;
}

/**
 * Which users to export: every exportable one (`names` null, i.e. --all), or those named by email,
 * user name or id (case-insensitive), each once, in the order given.
 */
export function selectUsers(all: readonly WorkMailUser[], names: readonly string[] | null): Selection {
  if (names === null) {
    const users: WorkMailUser[] = [];
    const skipped: { user: WorkMailUser; reason: string }[] = [];
    for (const user of all) {
      const reason = whyNotExportable(user);
      if (reason === null) users.push(user);
      else skipped.push({ user, reason });
    }
    return { users, unknown: [], unexportable: [], skipped };
  }
  const users: WorkMailUser[] = [];
  const seen = new Set<string>();
  const unknown: string[] = [];
  const unexportable: { name: string; reason: string }[] = [];
  for (const name of names) {
    const wanted = name.toLowerCase();
    const user = all.find((u) => u.id.toLowerCase() === wanted || u.email?.toLowerCase() === wanted || u.name?.toLowerCase() === wanted);
    if (!user) unknown.push(name);
    else if (whyNotExportable(user) !== null) unexportable.push({ name, reason: whyNotExportable(user)! });
    else if (!seen.has(user.id)) {
      seen.add(user.id);
      users.push(user);
    }
  }
  return { users, unknown, unexportable, skipped: [] };
}

/** --users-file: one user a line (email, user name or id); blank lines and # comments are ignored. */
export function parseUserList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '');
}
