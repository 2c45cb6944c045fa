/** INI text (a rendered file or a seed `grep` listing) as section/key/value entries, spaces around `=` ignored. */
export interface IniEntry {
  section: string;
  key: string;
  value: string;
}

export function iniEntries(text: string): IniEntry[] {
  const entries: IniEntry[] = [];
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const equals = line.indexOf('=');
    if (line === '' || line.startsWith('#') || equals < 0) continue;
    entries.push({ section, key: line.slice(0, equals).trim(), value: line.slice(equals + 1).trim() });
  }
  return entries;
}

/**
 * Entries of `expected` that `rendered` lacks. An expected entry without a section (a seed
 * `grep` listing drops the headers) matches the key and value in any section.
 */
export function missingEntries(rendered: string, expected: string): string[] {
  const have = iniEntries(rendered);
  return iniEntries(expected)
    .filter(
      (want) =>
        !have.some(
          (entry) => entry.key === want.key && entry.value === want.value && (want.section === '' || want.section === entry.section),
        ),
    )
    .map((want) => `${want.section ? `[${want.section}] ` : ''}${want.key} = ${want.value}`);
}

/** Swap the seed's literal values for the environment's, line by line and in addresses. */
export function substitute(listing: string, replacements: Array<[string | RegExp, string]>): string {
  return replacements.reduce<string>(
    (text, [from, to]) => (typeof from === 'string' ? text.split(from).join(to) : text.replace(from, to)),
    listing,
  );
}
