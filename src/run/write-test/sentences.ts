/** The one sentence doctor prints for each way the write test can fail: what to do, or what to report. */
import { ClassifiedError } from '../../accounting/errors.js';
import { errorCode, errorStatus } from '../../destination/graph/graph-error.js';
import { PartialUploadError } from '../../destination/graph/upload-errors.js';

export function requestIdOf(error: unknown): string | undefined {
  const inner = error instanceof PartialUploadError ? error.cause : error;
  return inner instanceof ClassifiedError ? inner.requestId : undefined;
}

function withId(requestId: string | undefined): string {
  return requestId === undefined ? '' : ` (request id ${requestId})`;
}

/** What Graph answered, as short as it can be said: `400 BadRequest`, or the error's message. */
export function answered(error: unknown): string {
  const status = errorStatus(error);
  const code = errorCode(error);
  if (status !== undefined) return `${status}${code === undefined ? '' : ` ${code}`}`;
  return error instanceof Error ? error.message : String(error);
}

export function reportThis(what: string, expected: string, requestId: string | undefined): string {
  return `report this: Graph answered ${what} where ${expected} was expected${withId(requestId)}`;
}

/** `413 RequestEntityTooLarge, request id …`: what Graph answered, for inside parentheses. */
function answeredWithId(error: unknown): string {
  const requestId = requestIdOf(error);
  return `${answered(error)}${requestId === undefined ? '' : `, request id ${requestId}`}`;
}

/** importMime refused or unknown: the cloud lacks it, the app lacks the permission, or something to report. */
export function importMimeFailure(error: unknown, bytes: number, atLimit: boolean): string {
  const status = errorStatus(error);
  const requestId = requestIdOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status === 404 || (status === 400 && /segment 'importMime'/i.test(message))) {
    return `importMime is not available to this tenant (Graph answered ${answeredWithId(error)}): import with --api v1.0, the JSON path`;
  }
  if (status === 403) {
    return 'Graph refused importMime (403): grant the application permission Mail-Advanced.ReadWrite.All with admin consent, or import with --api v1.0';
  }
  if (atLimit && (status === 413 || status === 400)) {
    const fallback =
      status === 413
        ? 'the import sends such messages by the JSON path after that 413 by itself (one refused request each), so nothing is lost'
        : 'import with --api v1.0 until this is understood, and report this';
    return `Graph refused importMime for a ${bytes}-byte message, under its 4 MB request limit (${answeredWithId(error)}): ${fallback}`;
  }
  return reportThis(answered(error), '201 Created from importMime', requestId);
}

/** The JSON create or one of its attachments failed. */
export function jsonFailure(error: unknown): string {
  if (error instanceof PartialUploadError) {
    const cause = error.cause;
    const status = errorStatus(cause);
    if (status === 403) {
      return (
        `Graph refused to add attachment ${error.attachmentName} to the non-draft message (403): grant the application permission ` +
        'Mail-Advanced.ReadWrite.All; from 31 December 2026 Graph needs it to change a non-draft message, which the JSON path does ' +
        'whenever an attachment does not fit in the create, even with --api v1.0'
      );
    }
    return reportThis(answered(cause), `success adding attachment ${error.attachmentName} to the created message`, requestIdOf(error));
  }
  if (errorStatus(error) === 403) {
    return 'Graph refused the JSON create (403): grant the application permission Mail.ReadWrite with admin consent';
  }
  return reportThis(answered(error), '201 Created from the JSON create', requestIdOf(error));
}
