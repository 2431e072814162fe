/** commander's parsed values, as loose as it gives them, read one type at a time. */

/** The option's value when it is text (given on the command line), else undefined. */
export function stringOption(raw: Record<string, unknown>, key: string): string | undefined {
  const value = raw[key];
  return typeof value === 'string' ? value : undefined;
}
