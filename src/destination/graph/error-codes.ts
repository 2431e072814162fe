/**
 * Graph's error codes in the one spelling this code compares against. Graph's error page lists its codes with
 * a lower-case first letter (`itemNotFound`, `nameAlreadyExists`, https://learn.microsoft.com/graph/errors),
 * Outlook answers `ErrorItemNotFound`, and nothing documents the letter case as significant. Compared as
 * written, `errorFolderExists` failed a folder that a lost race had made, `errorMimeContentInvalid` kept a
 * message off the JSON path, and `errorQuotaExceeded` took one full mailbox for an app-wide refusal that
 * stopped the whole estate (wire probe, emulator quirk lowerCaseErrorCodes).
 */
const KNOWN_CODES = [
  'ErrorFolderExists',
  'ErrorFolderNotFound',
  'ErrorInvalidUser',
  'ErrorItemNotFound',
  'ErrorMimeContentInvalid',
  'ErrorQuotaExceeded',
  'ErrorAccessDenied',
  'MailboxNotEnabledForRESTAPI',
  'ResourceNotFound',
  'InvalidAuthenticationToken',
];

const BY_LOWER_CASE = new Map(KNOWN_CODES.map((code) => [code.toLowerCase(), code]));

/** A code this project reads, in its known spelling; any other code as the server wrote it. */
export function canonicalCode(code: string): string {
  return BY_LOWER_CASE.get(code.toLowerCase()) ?? code;
}
