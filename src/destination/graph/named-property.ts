/**
 * Our named extended properties. The GUID is fixed forever: changing it would make every message imported
 * before the change invisible to the already-present check and to findMessage.
 */
import { odataString } from './odata.js';

export const EML_IMPORT_PROPERTY_SET = '{5c1e7a3d-2f4b-4e8a-9d61-0b7f3c2a9e14}';

export const FINGERPRINT_PROPERTY_NAME = 'EmlImportFingerprint';

/** A value unique to one create attempt, so an ambiguous create on the JSON path can be resolved exactly. */
export const ATTEMPT_PROPERTY_NAME = 'EmlImportAttempt';

/** `String {guid} Name <name>`: the id Graph uses for a string named property in our property set. */
export function namedStringPropertyId(name: string): string {
  return `String ${EML_IMPORT_PROPERTY_SET} Name ${name}`;
}

export const FINGERPRINT_PROPERTY_ID = namedStringPropertyId(FINGERPRINT_PROPERTY_NAME);
export const ATTEMPT_PROPERTY_ID = namedStringPropertyId(ATTEMPT_PROPERTY_NAME);

/** `$filter` expression (not URL-encoded) matching messages whose property `id` has exactly `value`. */
export function propertyEqualsFilter(id: string, value: string): string {
  return `singleValueExtendedProperties/Any(ep: ep/id eq ${odataString(id)} and ep/value eq ${odataString(value)})`;
}

/** `$expand` expression (not URL-encoded) that returns only our fingerprint property with each message. */
export function fingerprintExpand(): string {
  return `singleValueExtendedProperties($filter=id eq ${odataString(FINGERPRINT_PROPERTY_ID)})`;
}
