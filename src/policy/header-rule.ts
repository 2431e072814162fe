/** User spam rules from `--spam-header 'X-Foo: ^yes'`. */
import type { HeaderRule } from './types.js';

// RFC 5322 field-name: printable ASCII except the colon.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/**
 * Parses `Name: pattern` into a rule: the header name (matched case-insensitively) and a case-insensitive
 * regular expression tested against each decoded value of that header. Throws an Error naming the rule and
 * what is wrong with it; the CLI turns that into a usage error.
 */
export function parseHeaderRule(text: string): HeaderRule {
  const colon = text.indexOf(':');
  if (colon === -1) {
    throw new Error(`invalid --spam-header rule "${text}": expected "Header-Name: pattern", e.g. "X-Foo: ^yes"`);
  }
  const header = text.slice(0, colon).trim();
  const source = text.slice(colon + 1).trim();
  if (!FIELD_NAME.test(header)) {
    throw new Error(`invalid --spam-header rule "${text}": "${header}" is not a header name`);
  }
  if (source === '') {
    throw new Error(`invalid --spam-header rule "${text}": the pattern is empty (use "." to match any value)`);
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, 'i');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`invalid --spam-header rule "${text}": the pattern is not a valid regular expression (${reason})`, {
      cause: error,
    });
  }
  return { header: header.toLowerCase(), pattern, label: `${header}: ${source}` };
}
