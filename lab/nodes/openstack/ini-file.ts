/**
 * Just enough INI reading to check an OpenStack config the way oslo.config would:
 * `[section]` headers, `key = value` / `key=value`, `#` and `;` comments. Keys before
 * the first header count as [DEFAULT]. A repeated key keeps its last value.
 */
export type IniSections = Map<string, Map<string, string>>;

export function parseIni(text: string): IniSections {
  const sections: IniSections = new Map([['DEFAULT', new Map()]]);
  let current = sections.get('DEFAULT')!;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      const name = header[1].trim();
      if (!sections.has(name)) sections.set(name, new Map());
      current = sections.get(name)!;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    current.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return sections;
}

export function iniValue(ini: IniSections, section: string, key: string): string | undefined {
  const value = ini.get(section)?.get(key);
  return value === undefined || value === '' ? undefined : value;
}

export interface DatabaseUrl {
  user: string;
  password: string;
  host: string;
  port: number;
  database: string;
}

/** mysql://user:pass@host[:port]/db[?params] (also mysql+pymysql://). */
export function parseDatabaseUrl(url: string): DatabaseUrl | undefined {
  const match = /^mysql(?:\+\w+)?:\/\/([^:@/]+):([^@]*)@([^:/]+)(?::(\d+))?\/([^?\s]+)/.exec(url);
  if (!match) return undefined;
  return {
    user: decodeURIComponent(match[1]),
    password: decodeURIComponent(match[2]),
    host: match[3],
    port: match[4] ? Number(match[4]) : 3306,
    database: match[5],
  };
}
