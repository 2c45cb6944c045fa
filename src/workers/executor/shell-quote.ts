/** Single-quote a value for a POSIX shell: nothing inside is expanded. */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell argument cannot contain a NUL byte');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
