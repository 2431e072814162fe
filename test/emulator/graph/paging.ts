import { graphErrors } from './errors.js';
import type { TenantQuirks } from '../options.js';

export interface PageRequest {
  top: number;
  skip: number;
}

/** $top must be 1..1000 (Graph's documented range); $skip a non-negative integer. A tenant's `pageSize` quirk caps the page. */
export function readPaging(query: URLSearchParams, defaultTop: number, quirks: TenantQuirks = {}): PageRequest {
  const topText = query.get('$top');
  const skipText = query.get('$skip');
  const top = topText === null ? defaultTop : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > 1000) {
    throw graphErrors.badRequest(`Invalid value '${topText ?? ''}' for $top. The value must be between 1 and 1000.`);
  }
  const skip = skipText === null ? 0 : Number(skipText);
  if (!Number.isInteger(skip) || skip < 0) throw graphErrors.badRequest(`Invalid value '${skipText ?? ''}' for $skip.`);
  return { top: Math.min(top, quirks.pageSize ?? top), skip };
}

/** One page plus an absolute https nextLink that carries every other query option unchanged. */
export function pageOf<T>(
  items: T[],
  paging: PageRequest,
  requestUrl: URL,
  baseUrl: string,
): { value: T[]; nextLink?: string } {
  const value = items.slice(paging.skip, paging.skip + paging.top);
  if (paging.skip + paging.top >= items.length) return { value };
  const params = new URLSearchParams(requestUrl.searchParams);
  params.set('$top', String(paging.top));
  params.set('$skip', String(paging.skip + paging.top));
  return { value, nextLink: `${baseUrl}${requestUrl.pathname}?${params.toString()}` };
}

/** The page's `@odata.nextLink` as this tenant writes it: left out on the last page, as Graph does, unless a quirk says otherwise. */
export function nextLinkAnnotation(nextLink: string | undefined, baseUrl: string, quirks: TenantQuirks): { '@odata.nextLink'?: string | null } {
  if (nextLink === undefined) return quirks.nullNextLink === true ? { '@odata.nextLink': null } : {};
  if (quirks.stuckNextLink === true) nextLink = stuck(nextLink);
  return { '@odata.nextLink': quirks.relativeNextLinks === true && nextLink.startsWith(baseUrl) ? nextLink.slice(baseUrl.length) : nextLink };
}

export function readSelect(query: URLSearchParams, known: readonly string[], type: string): string[] | undefined {
  const text = query.get('$select');
  if (text === null || text.trim() === '') return undefined;
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!known.some((property) => property.toLowerCase() === name.toLowerCase())) {
      throw graphErrors.unknownProperty(name, type);
    }
  }
  return names.map((name) => known.find((property) => property.toLowerCase() === name.toLowerCase()) ?? name);
}

export function readCount(query: URLSearchParams): boolean {
  const text = query.get('$count');
  if (text === null) return false;
  if (text !== 'true' && text !== 'false') throw graphErrors.badRequest(`Invalid value '${text}' for $count.`);
  return text === 'true';
}

/** The stuckNextLink quirk: a link that always names the second page ($skip = $top). */
function stuck(nextLink: string): string {
  const url = new URL(nextLink);
  url.searchParams.set('$skip', url.searchParams.get('$top') ?? '10');
  return url.href;
}
