/** Characters that never need quoting in a bash word (no globbing, expansion or word splitting). */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quote a value so bash passes it through as exactly one literal word.
 * Single quotes stop every expansion; an embedded single quote is closed, escaped and reopened.
 */
export function shellQuote(value: string | number): string {
  const text = String(value);
  if (SAFE_WORD.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Quote each value and join them with spaces (an argument list). */
export function shellArgs(values: ReadonlyArray<string | number>): string {
  return values.map(shellQuote).join(' ');
}
