import type { MysqlState } from './mysql-state.js';

/** Result of one SQL script: rows printed in mysql's batch format, or the first error (execution stops there). */
export interface SqlOutcome {
  output: string;
  error?: string;
}

/** Split on ';' outside quotes, keeping the line each statement starts on (for "ERROR ... at line N"). */
export function splitStatements(sql: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let current = '';
  let quote: string | null = null;
  let line = 1;
  let startLine = 1;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === '\n') line++;
    if (quote) {
      if (ch === '\\') {
        current += ch + (sql[++i] ?? '');
        continue;
      }
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (ch === ';') {
      if (current.trim()) out.push({ text: current.trim(), line: startLine });
      current = '';
      startLine = line;
      continue;
    }
    if (!current.trim()) startLine = line;
    current += ch;
  }
  if (current.trim()) out.push({ text: current.trim(), line: startLine });
  return out;
}

const unquote = (s: string) => s.replace(/^[`'"]|[`'"]$/g, '').replace(/\\(.)/g, '$1');
const ACCOUNT = String.raw`'((?:[^'\\]|\\.)*)'\s*@\s*'((?:[^'\\]|\\.)*)'`;
const STRING = String.raw`'((?:[^'\\]|\\.)*)'`;

export interface OutputFormat {
  skipHeader: boolean;
  /** `mysql -t`: the boxed table the interactive client draws. */
  boxed?: boolean;
}

function table(columns: string[], rows: string[][], format: OutputFormat): string {
  if (format.boxed) {
    if (rows.length === 0) return '';
    const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
    const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    const head = format.skipHeader ? [] : [line(columns), rule];
    return `${[rule, ...head, ...rows.map(line), rule].join('\n')}\n`;
  }
  const skipHeader = format.skipHeader;
  const lines = rows.map((r) => r.join('\t'));
  if (!skipHeader) lines.unshift(columns.join('\t'));
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** Apply a script of statements to the server state as `user`. */
export function runSql(state: MysqlState, sql: string, options: OutputFormat & { database?: string }): SqlOutcome {
  let output = '';
  let database = options.database;
  for (const { text, line } of splitStatements(sql)) {
    const error = (code: string, msg: string) => ({ output, error: `ERROR ${code} at line ${line}: ${msg}` });
    let m: RegExpMatchArray | null;
    if ((m = text.match(/^CREATE\s+DATABASE\s+(IF\s+NOT\s+EXISTS\s+)?([`\w]+)/i))) {
      const name = unquote(m[2]!);
      if (state.databases.has(name)) {
        if (!m[1]) return error('1007 (HY000)', `Can't create database '${name}'; database exists`);
      } else state.databases.set(name, new Set());
    } else if ((m = text.match(/^DROP\s+DATABASE\s+(IF\s+EXISTS\s+)?([`\w]+)/i))) {
      const name = unquote(m[2]!);
      if (!state.databases.delete(name) && !m[1]) return error('1008 (HY000)', `Can't drop database '${name}'; database doesn't exist`);
    } else if (
      (m = text.match(
        new RegExp(
          String.raw`^GRANT\s+ALL(?:\s+PRIVILEGES)?\s+ON\s+([\`\w*]+)\.\*\s+TO\s+${ACCOUNT}(?:\s+IDENTIFIED\s+BY\s+${STRING})?`,
          'i',
        ),
      ))
    ) {
      const [, db, user, host, password] = m;
      const database = unquote(db!);
      const account = state.account(user!, host!);
      if (account) {
        if (password !== undefined) account.password = unquote(`'${password}'`);
      } else state.accounts.push({ user: user!, host: host!, password: password === undefined ? '' : unquote(`'${password}'`) });
      if (!state.hasGrant(database, user!, host!)) state.grants.push({ database, user: user!, host: host! });
    } else if ((m = text.match(new RegExp(String.raw`^CREATE\s+USER\s+${ACCOUNT}(?:\s+IDENTIFIED\s+BY\s+${STRING})?`, 'i')))) {
      if (state.account(m[1]!, m[2]!)) return error('1396 (HY000)', `Operation CREATE USER failed for '${m[1]}'@'${m[2]}'`);
      state.accounts.push({ user: m[1]!, host: m[2]!, password: m[3] === undefined ? '' : unquote(`'${m[3]}'`) });
    } else if ((m = text.match(new RegExp(String.raw`^SET\s+PASSWORD\s+FOR\s+${ACCOUNT}\s*=\s*PASSWORD\(\s*${STRING}\s*\)`, 'i')))) {
      const account = state.account(m[1]!, m[2]!);
      if (!account) return error('1133 (42000)', "Can't find any matching row in the user table");
      account.password = unquote(`'${m[3]}'`);
    } else if (
      (m = text.match(
        new RegExp(
          String.raw`^UPDATE\s+mysql\.user\s+SET\s+Password\s*=\s*PASSWORD\(\s*${STRING}\s*\)\s+WHERE\s+User\s*=\s*${STRING}`,
          'i',
        ),
      ))
    ) {
      for (const account of state.accounts.filter((a) => a.user === m![2])) account.password = unquote(`'${m[1]}'`);
    } else if (
      (m = text.match(
        new RegExp(String.raw`^DELETE\s+FROM\s+mysql\.user\s+WHERE\s+User\s*=\s*${STRING}(?:\s+AND\s+Host\s+NOT\s+IN\s*\(([^)]*)\))?`, 'i'),
      ))
    ) {
      const keep = m[2] ? m[2].split(',').map((h) => unquote(h.trim())) : null;
      const doomed = state.accounts.filter((a) => a.user === m![1] && !keep?.includes(a.host));
      for (const a of doomed) state.accounts.splice(state.accounts.indexOf(a), 1);
    } else if (/^(DELETE\s+FROM\s+mysql\.db\b|FLUSH\s+PRIVILEGES|SET\s+NAMES\b)/i.test(text)) {
      // Accepted and without visible effect in the lab.
    } else if ((m = text.match(/^USE\s+([`\w]+)/i))) {
      const name = unquote(m[1]!);
      if (!state.databases.has(name)) return error('1049 (42000)', `Unknown database '${name}'`);
      database = name;
    } else if (/^SHOW\s+DATABASES$/i.test(text)) {
      output += table(
        ['Database'],
        [...state.databases.keys()].sort().map((d) => [d]),
        options,
      );
    } else if (/^SHOW\s+TABLES$/i.test(text)) {
      if (!database) return error('1046 (3D000)', 'No database selected');
      output += table(
        [`Tables_in_${database}`],
        [...state.databases.get(database)!].sort().map((t) => [t]),
        options,
      );
    } else if ((m = text.match(new RegExp(String.raw`^SHOW\s+GRANTS\s+FOR\s+${ACCOUNT}$`, 'i')))) {
      const grants = state.grants.filter((g) => g.user === m![1] && g.host === m![2]);
      if (!state.account(m[1]!, m[2]!)) return error('1141 (42000)', `There is no such grant defined for user '${m[1]}' on host '${m[2]}'`);
      const rows = [
        [`GRANT USAGE ON *.* TO '${m[1]}'@'${m[2]}' IDENTIFIED BY PASSWORD '*'`],
        ...grants.map((g) => [`GRANT ALL PRIVILEGES ON \`${g.database}\`.* TO '${g.user}'@'${g.host}'`]),
      ];
      output += table([`Grants for ${m[1]}@${m[2]}`], rows, options);
    } else if (/^SELECT\s+User\s*,\s*Host\s+FROM\s+mysql\.user$/i.test(text)) {
      output += table(
        ['User', 'Host'],
        state.accounts.map((a) => [a.user, a.host]),
        options,
      );
    } else if ((m = text.match(new RegExp(String.raw`^SELECT\s+COUNT\(\*\)\s+FROM\s+mysql\.user\s+WHERE\s+User\s*=\s*${STRING}$`, 'i')))) {
      const count = state.accounts.filter((a) => a.user === unquote(`'${m![1]}'`)).length;
      output += table(['COUNT(*)'], [[String(count)]], options);
    } else if ((m = text.match(/^SELECT\s+(\d+)$/i))) {
      output += table([m[1]!], [[m[1]!]], options);
    } else if (/^SELECT\s+VERSION\(\)$/i.test(text)) {
      output += table(['VERSION()'], [['5.5.44-MariaDB']], options);
    } else {
      return error(
        '1064 (42000)',
        `You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${text.slice(0, 40)}' at line 1`,
      );
    }
  }
  return { output };
}
