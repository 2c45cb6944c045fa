import { fail, type LabCommandHandler } from '../lab-host.js';
import { runSql } from './mysql-sql.js';

interface MysqlArgs {
  user: string;
  password?: string;
  execute?: string;
  database?: string;
  skipHeader: boolean;
  boxed: boolean;
}

function parse(args: string[]): MysqlArgs {
  const out: MysqlArgs = { user: 'root', skipHeader: false, boxed: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-u' || a === '--user') out.user = args[++i] ?? '';
    else if (a.startsWith('--user=')) out.user = a.slice(7);
    else if (a.startsWith('-u')) out.user = a.slice(2);
    else if (a.startsWith('--password=')) out.password = a.slice(11);
    else if (a === '-p' || a === '--password') out.password = '';
    else if (a.startsWith('-p')) out.password = a.slice(2);
    else if (a === '-e' || a === '--execute') out.execute = args[++i] ?? '';
    else if (a.startsWith('--execute=')) out.execute = a.slice(10);
    else if (a === '-h' || a === '--host' || a === '-P' || a === '--port') i++;
    else if (a === '-N' || a === '--skip-column-names') out.skipHeader = true;
    else if (a === '-t' || a === '--table') out.boxed = true;
    else if (!a.startsWith('-')) out.database = a;
  }
  return out;
}

/** The MariaDB client in batch mode (no tty over SSH exec): tab-separated rows, "ERROR nnnn" and exit 1. */
export const mysql: LabCommandHandler = async (args, { host, stdin }) => {
  if (!host.isActive('mariadb')) {
    return fail(`ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/lib/mysql/mysql.sock' (2)`);
  }
  const options = parse(args);
  const expected = host.mysql.loginPassword(options.user);
  const given = options.password ?? '';
  if (expected === undefined || expected !== given) {
    const using = options.password !== undefined && options.password !== '' ? 'YES' : 'NO';
    return fail(`ERROR 1045 (28000): Access denied for user '${options.user}'@'localhost' (using password: ${using})`);
  }
  if (options.database && !host.mysql.databases.has(options.database)) {
    return fail(`ERROR 1049 (42000): Unknown database '${options.database}'`);
  }
  const outcome = runSql(host.mysql, options.execute ?? stdin, {
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
