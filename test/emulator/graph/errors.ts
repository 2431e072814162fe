import { jsonReply, type Reply } from '../http/reply.js';

/** A Graph error a handler throws; the server renders it with Graph's body shape and request ids. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphHttpError';
  }
}

export interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

/** Graph formats innerError.date without milliseconds. */
export function graphDate(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '');
}

export function graphErrorReply(error: GraphHttpError, ids: RequestIds): Reply {
  return jsonReply(
    error.status,
    {
      error: {
        code: error.code,
        message: error.message,
        innerError: {
          date: graphDate(),
          'request-id': ids.requestId,
          'client-request-id': ids.clientRequestId,
        },
      },
    },
    error.headers,
  );
}

export const graphErrors = {
  emptyToken: () => new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.'),
  invalidToken: (detail = 'Access token validation failure.') =>
    new GraphHttpError(401, 'InvalidAuthenticationToken', detail),
  expiredToken: () =>
    new GraphHttpError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.'),
  accessDenied: () => new GraphHttpError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.'),
  invalidUser: (user: string) => new GraphHttpError(404, 'ErrorInvalidUser', `The requested user '${user}' is invalid.`),
  meWithAppToken: () =>
    new GraphHttpError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.'),
  unknownSegment: (segment: string) =>
    new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`),
  noRoute: (method: string, path: string) =>
    new GraphHttpError(405, 'Request_BadRequest', `The HTTP method '${method}' is not supported for '${path}'.`),
  itemNotFound: () => new GraphHttpError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
  idMalformed: () => new GraphHttpError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.'),
  folderExists: (status: number) =>
    new GraphHttpError(status, 'ErrorFolderExists', 'A folder with the specified name already exists.'),
  invalidProperty: (message: string) => new GraphHttpError(400, 'ErrorInvalidProperty', message),
  badRequest: (message: string) => new GraphHttpError(400, 'BadRequest', message),
  unknownProperty: (name: string, type: string) =>
    new GraphHttpError(400, 'RequestBroker--ParseUri', `Could not find a property named '${name}' on type '${type}'.`),
  invalidFilter: () =>
    new GraphHttpError(400, 'ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.'),
  unableToDeserialize: () => new GraphHttpError(400, 'UnableToDeserializePostBody', 'were unable to deserialize '),
  invalidBase64Mime: () =>
    new GraphHttpError(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.'),
  invalidMime: () =>
    new GraphHttpError(
      400,
      'ErrorMimeContentInvalid',
      'MIME content does not contain all required information, malformed formatting, or empty.',
    ),
  requestTooLarge: () =>
    new GraphHttpError(413, 'RequestEntityTooLarge', 'The maximum request length supported is 4MB.'),
  throttled: (limit: 'MailboxConcurrency' | 'IncomingBytes' | 'MailboxRequests', retryAfterSeconds: number) =>
    new GraphHttpError(429, 'ApplicationThrottled', `Application is over its ${limit} limit.`, {
      'Retry-After': String(retryAfterSeconds),
    }),
};
