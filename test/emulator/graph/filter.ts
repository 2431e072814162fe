import type { StoredMessage } from '../store.js';
import { graphErrors } from './errors.js';

/**
 * A deliberately small $filter parser for the forms the importer uses:
 *   internetMessageId eq '...', subject eq '...' ('' escapes a quote),
 *   sentDateTime / receivedDateTime eq|ge|gt|le|lt 2024-01-01T00:00:00Z,
 *   isDraft / isRead eq true|false,
 *   singleValueExtendedProperties/Any(ep: ep/id eq '...' and ep/value eq '...'),
 * joined with `and` and optionally parenthesised. Anything else is Graph's ErrorInvalidUrlQueryFilter.
 */
export type MessagePredicate = (message: StoredMessage) => boolean;

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'punct'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source[index] ?? '';
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === "'") {
      let text = '';
      index += 1;
      for (;;) {
        if (index >= source.length) throw graphErrors.invalidFilter();
        const next = source[index] ?? '';
        if (next === "'" && source[index + 1] === "'") {
          text += "'";
          index += 2;
        } else if (next === "'") {
          index += 1;
          break;
        } else {
          text += next;
          index += 1;
        }
      }
      tokens.push({ kind: 'string', text });
    } else if ('():'.includes(char)) {
      tokens.push({ kind: 'punct', text: char });
      index += 1;
    } else {
      const match = /^[A-Za-z0-9_./+-]+/.exec(source.slice(index));
      if (!match) throw graphErrors.invalidFilter();
      // Datetime literals contain colons; keep them in one word when they follow a date.
      let text = match[0];
      index += text.length;
      if (/^\d{4}-\d{2}-\d{2}T\d{2}$/.test(text)) {
        const rest = /^(:\d{2}(:\d{2}(\.\d+)?)?)(Z|[+-]\d{2}:\d{2})?/.exec(source.slice(index));
        if (rest) {
          text += rest[0];
          index += rest[0].length;
        }
      }
      tokens.push({ kind: 'word', text });
    }
  }
  return tokens;
}

const DATE_PROPERTIES = new Set(['sentdatetime', 'receiveddatetime']);
const COMPARATORS: Record<string, (a: number, b: number) => boolean> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  ge: (a, b) => a >= b,
  gt: (a, b) => a > b,
  le: (a, b) => a <= b,
  lt: (a, b) => a < b,
};

class FilterParser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): MessagePredicate {
    const predicate = this.conjunction();
    if (this.position !== this.tokens.length) throw graphErrors.invalidFilter();
    return predicate;
  }

  private conjunction(): MessagePredicate {
    const terms = [this.term()];
    while (this.peekWord('and')) {
      this.position += 1;
      terms.push(this.term());
    }
    return (message) => terms.every((term) => term(message));
  }

  private term(): MessagePredicate {
    if (this.peekPunct('(')) {
      this.position += 1;
      const inner = this.conjunction();
      this.expectPunct(')');
      return inner;
    }
    const property = this.word();
    if (property.toLowerCase() === 'singlevalueextendedproperties/any') return this.anyExtendedProperty();
    const operator = this.word().toLowerCase();
    const lower = property.toLowerCase();
    if (DATE_PROPERTIES.has(lower)) {
      const compare = COMPARATORS[operator];
      const literal = this.word();
      const at = Date.parse(literal);
      if (!compare || Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(literal)) throw graphErrors.invalidFilter();
      return (message) => {
        const value = lower === 'sentdatetime' ? message.sentDateTime : message.receivedDateTime;
        return value !== null && compare(Date.parse(value), at);
      };
    }
    if (operator !== 'eq') throw graphErrors.invalidFilter();
    if (lower === 'isdraft' || lower === 'isread') {
      const literal = this.word();
      if (literal !== 'true' && literal !== 'false') throw graphErrors.invalidFilter();
      const wanted = literal === 'true';
      return (message) => (lower === 'isdraft' ? message.isDraft : message.isRead) === wanted;
    }
    const value = this.string();
    if (lower === 'internetmessageid') return (message) => message.internetMessageId === value;
    if (lower === 'subject') return (message) => message.subject.toLowerCase() === value.toLowerCase();
    throw graphErrors.invalidFilter();
  }

  /** Any(ep: ep/id eq '...' and ep/value eq '...'), in either order. */
  private anyExtendedProperty(): MessagePredicate {
    this.expectPunct('(');
    const variable = this.word();
    this.expectPunct(':');
    const wanted: { id?: string; value?: string } = {};
    for (let clause = 0; clause < 2; clause += 1) {
      if (clause === 1) this.expectWord('and');
      const field = this.word().toLowerCase();
      this.expectWord('eq');
      const literal = this.string();
      if (field === `${variable.toLowerCase()}/id`) wanted.id = literal;
      else if (field === `${variable.toLowerCase()}/value`) wanted.value = literal;
      else throw graphErrors.invalidFilter();
    }
    this.expectPunct(')');
    const { id, value } = wanted;
    if (id === undefined || value === undefined) throw graphErrors.invalidFilter();
    const key = normalisePropertyId(id);
    return (message) =>
      message.extendedProperties.some((property) => normalisePropertyId(property.id) === key && property.value === value);
  }

  private word(): string {
    const token = this.tokens[this.position];
    if (token?.kind !== 'word') throw graphErrors.invalidFilter();
    this.position += 1;
    return token.text;
  }

  private string(): string {
    const token = this.tokens[this.position];
    if (token?.kind !== 'string') throw graphErrors.invalidFilter();
    this.position += 1;
    return token.text;
  }

  private peekWord(text: string): boolean {
    const token = this.tokens[this.position];
    return token?.kind === 'word' && token.text.toLowerCase() === text;
  }

  private peekPunct(text: string): boolean {
    const token = this.tokens[this.position];
    return token?.kind === 'punct' && token.text === text;
  }

  private expectWord(text: string): void {
    if (!this.peekWord(text)) throw graphErrors.invalidFilter();
    this.position += 1;
  }

  private expectPunct(text: string): void {
    if (!this.peekPunct(text)) throw graphErrors.invalidFilter();
    this.position += 1;
  }
}

export function parseMessageFilter(source: string): MessagePredicate {
  return new FilterParser(tokenize(source)).parse();
}

/** Extended property ids compare case-insensitively and ignore runs of spaces, as Exchange does. */
export function normalisePropertyId(id: string): string {
  return id.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** $expand=singleValueExtendedProperties($filter=id eq '...'): returns the wanted id, or undefined if absent. */
export function parseExtendedPropertyExpand(expand: string | null): string | undefined {
  if (expand === null) return undefined;
  const match = /^\s*singleValueExtendedProperties\s*\(\s*\$filter\s*=\s*id\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$/i.exec(expand);
  if (!match?.[1]) throw graphErrors.badRequest(`Parsing OData Select and Expand failed: '${expand}' is not supported.`);
  return match[1].replace(/''/g, "'");
}
