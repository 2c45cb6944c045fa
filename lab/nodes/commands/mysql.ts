import type { IFileSystem } from 'just-bash';
import { fail, type LabCommandContext, type LabCommandHandler, type LabHost } from '../lab-host.js';
import { runSql } from './mysql-sql.js';
import type { MysqlState } from './mysql-state.js';

interface MysqlArgs {
  user?: string;
  password?: string;
  host?: string;
  execute?: string;
  database?: string;
  skipHeader: boolean;
  boxed: boolean;
  /** --defaults-file: only this option file; --defaults-extra-file: this one among the usual ones; --no-defaults: none. */
  defaultsFile?: string;
  extraFile?: string;
  noDefaults: boolean;
}

/** Option files may only come first, as in the real client ("unknown option" otherwise). */
const OPTION_FILE_FLAGS = ['--defaults-file=', '--defaults-extra-file=', '--no-defaults'];

function parse(args: string[]): MysqlArgs | string {
  const out: MysqlArgs = { skipHeader: false, boxed: false, noDefaults: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (OPTION_FILE_FLAGS.some((flag) => a.startsWith(flag))) {
      if (i !== 0) return `mysql: unknown option '${a.split('=')[0]}'`;
      if (a === '--no-defaults') out.noDefaults = true;
      else if (a.startsWith('--defaults-file=')) out.defaultsFile = a.slice('--defaults-file='.length);
      else out.extraFile = a.slice('--defaults-extra-file='.length);
    } else if (a === '-u' || a === '--user') out.user = args[++i] ?? '';
    else if (a.startsWith('--user=')) out.user = a.slice(7);
    else if (a.startsWith('-u')) out.user = a.slice(2);
    else if (a.startsWith('--password=')) out.password = a.slice(11);
    else if (a === '-p' || a === '--password') out.password = '';
    else if (a.startsWith('-p')) out.password = a.slice(2);
    else if (a === '-h' || a === '--host') out.host = args[++i] ?? '';
    else if (a.startsWith('--host=')) out.host = a.slice(7);
    else if (a.startsWith('-h') && a.length > 2) out.host = a.slice(2);
    else if (a === '-e' || a === '--execute') out.execute = args[++i] ?? '';
    else if (a.startsWith('--execute=')) out.execute = a.slice(10);
    else if (a === '-P' || a === '--port') i++;
    else if (a === '-N' || a === '--skip-column-names') out.skipHeader = true;
    else if (a === '-t' || a === '--table') out.boxed = true;
    else if (!a.startsWith('-')) out.database = a;
  }
  return out;
}

/** `[client]` / `[mysql]` options of one file (later keys win), or undefined when it cannot be read. */
async function readOptionFile(fs: IFileSystem, path: string): Promise<Map<string, string> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path);
  } catch {
    return undefined;
  }
  const options = new Map<string, string>();
  let group = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) group = header[1]!.trim();
    else if ((group === 'client' || group === 'mysql') && line && !line.startsWith('#') && !line.startsWith(';')) {
      const eq = line.indexOf('=');
      if (eq > 0)
        options.set(
          line.slice(0, eq).trim(),
          line
            .slice(eq + 1)
            .trim()
            .replace(/^(["'])(.*)\1$/, '$2'),
        );
    }
  }
  return options;
}

/**
 * The options the client ends up with, in MariaDB's order: /etc/my.cnf and /etc/my.cnf.d/*, the
 * extra file, then ~/.my.cnf (which therefore overrides an extra file), then the command line.
 */
async function effectiveOptions(args: MysqlArgs, ctx: LabCommandContext): Promise<Map<string, string> | string> {
  const merged = new Map<string, string>();
  const merge = (options: Map<string, string> | undefined) => {
    for (const [key, value] of options ?? []) merged.set(key, value);
  };
  if (args.defaultsFile !== undefined) {
    const options = await readOptionFile(ctx.fs, ctx.fs.resolvePath(ctx.cwd, args.defaultsFile));
    if (!options)
      return `mysql: Could not open required defaults file: ${args.defaultsFile}\nFatal error in defaults handling. Program aborted`;
    merge(options);
  } else if (!args.noDefaults) {
    merge(await readOptionFile(ctx.fs, '/etc/my.cnf'));
    const included = (await ctx.fs.exists('/etc/my.cnf.d'))
      ? (await ctx.fs.readdir('/etc/my.cnf.d')).filter((f) => f.endsWith('.cnf'))
      : [];
    for (const file of included.sort()) merge(await readOptionFile(ctx.fs, `/etc/my.cnf.d/${file}`));
    if (args.extraFile !== undefined) {
      const options = await readOptionFile(ctx.fs, ctx.fs.resolvePath(ctx.cwd, args.extraFile));
      if (!options)
        return `mysql: Could not open required defaults file: ${args.extraFile}\nFatal error in defaults handling. Program aborted`;
      merge(options);
    }
    merge(await readOptionFile(ctx.fs, `${ctx.env.HOME ?? '/root'}/.my.cnf`));
  }
  if (args.user !== undefined) merged.set('user', args.user);
  if (args.password !== undefined) merged.set('password', args.password);
  if (args.host !== undefined) merged.set('host', args.host);
  return merged;
}

interface CloudLookup {
  hostByAddress(address: string): LabHost | undefined;
}

/** The server a `-h` reaches and the host name it sees the client as (which picks the account: localhost only over the socket). */
function serverFor(host: string | undefined, ctx: LabCommandContext): { server: LabHost; client: string } | string {
  if (host === undefined || host === 'localhost') return { server: ctx.host, client: 'localhost' };
  if (host === '127.0.0.1' || host === '::1') return { server: ctx.host, client: 'localhost' };
  const local = host === ctx.host.managementIp || host === ctx.host.name || host === ctx.host.name.split('.')[0];
  const server = local ? ctx.host : (ctx.cloud as CloudLookup | undefined)?.hostByAddress?.(host);
  if (!server) return `ERROR 2005 (HY000): Unknown MySQL server host '${host}' (0)`;
  return { server, client: ctx.host.name };
}

/** The account a login from `client` uses: an exact host first, then '%' (localhost logins only match 'localhost'). */
function accountPassword(state: MysqlState, user: string, client: string): string | undefined {
  if (client === 'localhost') return state.account(user, 'localhost')?.password;
  return (state.account(user, client) ?? state.account(user, '%'))?.password;
}

/** The MariaDB client in batch mode (no tty over SSH exec): tab-separated rows, "ERROR nnnn" and exit 1. */
export const mysql: LabCommandHandler = async (args, ctx) => {
  const options = parse(args);
  if (typeof options === 'string') return fail(options, 7);
  const effective = await effectiveOptions(options, ctx);
  if (typeof effective === 'string') return fail(effective);
  const target = serverFor(effective.get('host'), ctx);
  if (typeof target === 'string') return fail(target);
  const { server, client } = target;
  if (!server.isActive('mariadb')) {
    return client === 'localhost'
      ? fail(`ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/lib/mysql/mysql.sock' (2)`)
      : fail(`ERROR 2003 (HY000): Can't connect to MySQL server on '${effective.get('host')}' (111)`);
  }
  const user = effective.get('user') ?? ctx.env.USER ?? 'root';
  const given = effective.get('password') ?? '';
  const expected = accountPassword(server.mysql, user, client);
  if (expected === undefined || expected !== given) {
    return fail(`ERROR 1045 (28000): Access denied for user '${user}'@'${client}' (using password: ${given !== '' ? 'YES' : 'NO'})`);
  }
  if (options.database && !server.mysql.databases.has(options.database)) {
    return fail(`ERROR 1049 (42000): Unknown database '${options.database}'`);
  }
  const outcome = runSql(server.mysql, options.execute ?? ctx.stdin, {
    skipHeader: options.skipHeader,
    boxed: options.boxed,
    database: options.database,
  });
  return { stdout: outcome.output, stderr: outcome.error ? `${outcome.error}\n` : '', exitCode: outcome.error ? 1 : 0 };
};

/**
 * mysql_secure_installation, answering its prompts from stdin in order:
 * current root password, set root password? (y), new password, again, remove anonymous users?,
 * disallow remote root?, remove test database?, reload privileges?
 */
export const mysqlSecureInstallation: LabCommandHandler = async (_args, { host, stdin }) => {
  if (!host.isActive('mariadb'))
    return fail("ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/lib/mysql/mysql.sock' (2)");
  const answers = stdin.split('\n');
  const [current = '', setRoot = 'y', password = '', again = '', anonymous = 'y', remoteRoot = 'y', test = 'y'] = answers;
  if (current !== (host.mysql.loginPassword('root') ?? ''))
    return fail(
      "Enter current password for root (enter for none):\nERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)",
    );
  const yes = (answer: string) => !/^n/i.test(answer.trim());
  const sql: string[] = [];
  if (yes(setRoot)) {
    if (password !== again) return fail('Sorry, passwords do not match.');
    sql.push(`UPDATE mysql.user SET Password=PASSWORD('${password.replace(/'/g, "\\'")}') WHERE User='root'`);
  }
  if (yes(anonymous)) sql.push("DELETE FROM mysql.user WHERE User=''");
  if (yes(remoteRoot)) sql.push("DELETE FROM mysql.user WHERE User='root' AND Host NOT IN ('localhost', '127.0.0.1', '::1')");
  if (yes(test)) sql.push('DROP DATABASE IF EXISTS test');
  const outcome = runSql(host.mysql, sql.join(';\n'), { skipHeader: true });
  if (outcome.error) return fail(outcome.error);
  return {
    stdout:
      "All done!  If you've completed all of the above steps, your MariaDB\ninstallation should now be secure.\n\nThanks for using MariaDB!\n",
    stderr: '',
    exitCode: 0,
  };
};
