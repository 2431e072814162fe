/** OData literal and query-string building: pure, so that quoting is tested once and used everywhere. */

/** A string literal: single quotes around, inner single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A DateTimeOffset literal: unquoted UTC ISO-8601, to the second as Exchange stores it. */
export function odataDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * `?a=b&c=d` with each value percent-encoded. `$` and the option names stay literal; commas, quotes,
 * parentheses and spaces inside values are encoded so a `$filter` survives any proxy.
 */
export function queryString(params: Readonly<Record<string, string | number | boolean | undefined>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    parts.push(`${key}=${encodeURIComponent(String(value))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** `/users/{upn}` with the UPN encoded as one path segment. */
export function userPath(upn: string): string {
  return `/users/${encodeURIComponent(upn)}`;
}

/** A folder id or well-known name as one path segment. */
export function segment(id: string): string {
  return encodeURIComponent(id);
}
