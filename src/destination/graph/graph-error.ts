/** Reading what the HTTP layer's errors say, without depending on its classes beyond errors.ts. */

/** Graph's `error.code`, from a ClassifiedError or anything else carrying a string `code`. */
export function errorCode(error: unknown): string | undefined {
  const code = field(error, 'code');
  return typeof code === 'string' ? code : undefined;
}

/** The HTTP status an error carries, if any. */
export function errorStatus(error: unknown): number | undefined {
  const status = field(error, 'status') ?? field(error, 'statusCode');
  return typeof status === 'number' ? status : undefined;
}

function field(error: unknown, name: string): unknown {
  return typeof error === 'object' && error !== null && name in error ? (error as Record<string, unknown>)[name] : undefined;
}
