/**
 * An INI file as ordered sections of ordered keys. `null` writes a bare key
 * (my.cnf's `innodb_file_per_table`). Insertion order is the output order, so the
 * rendered text (and its hash) is deterministic.
 */
export type IniValue = string | number | boolean | null;
export type IniSections = Record<string, Record<string, IniValue>>;

const SECTION_NAME = /^[A-Za-z0-9_.:-]+$/;
const KEY_NAME = /^[A-Za-z0-9_.-]+$/;

export function renderIni(sections: IniSections): string {
  const blocks: string[] = [];
  for (const [section, entries] of Object.entries(sections)) {
    if (!SECTION_NAME.test(section)) throw new Error(`INI section name "${section}" is not valid`);
    const lines = [`[${section}]`];
    for (const [key, value] of Object.entries(entries)) {
      if (!KEY_NAME.test(key)) throw new Error(`INI key "${key}" in [${section}] is not valid`);
      if (value === null) {
        lines.push(key);
        continue;
      }
      const text = String(value);
      if (/[\r\n]/.test(text)) throw new Error(`INI value of ${section}.${key} contains a line break`);
      lines.push(`${key} = ${text}`);
    }
    blocks.push(lines.join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}
