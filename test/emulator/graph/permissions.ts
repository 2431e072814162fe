import type { AccessTokenClaims } from '../entra/access-token.js';
import { graphErrors } from './errors.js';

export type Permission = 'read' | 'write' | 'importMime' | 'directory';

/** Application roles that grant each kind of access; any one of them suffices. */
const ROLES_GRANTING: Record<Permission, readonly string[]> = {
  read: ['Mail.ReadBasic.All', 'Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'],
  write: ['Mail.ReadWrite'],
  importMime: ['Mail-Advanced.ReadWrite.All'],
  // GET /users/{id}/settings/exchange (archive discovery) is documented with User.Read.All.
  directory: ['User.Read.All', 'Directory.Read.All'],
};

export function requirePermission(claims: AccessTokenClaims, permission: Permission): void {
  const roles = claims.roles ?? claims.emulator_exchange_roles ?? [];
  if (!ROLES_GRANTING[permission].some((role) => roles.includes(role))) throw graphErrors.accessDenied();
}
