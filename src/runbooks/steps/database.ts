import type { CommandStep, RenderContext, SecretName } from '../model.js';
import { shellQuote } from '../render/shell.js';
import { command } from './command.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Root's MariaDB client options (user and password), root-only. Every root login of the runbook
 * names it explicitly instead of putting the password on the command line, where `ps` shows it to
 * every user; naming it keeps the login independent of $HOME under sudo.
 */
export const MYSQL_ROOT_CNF = '/root/.my.cnf';

/** A MySQL string literal ('…' with quotes and backslashes escaped). */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `[client]` options for a login, the content of MYSQL_ROOT_CNF and of the temporary files below. */
export function mysqlClientOptions(user: string, password: string): string {
  return `[client]\nuser=${user}\npassword=${password}\n`;
}

export interface MysqlOptions {
  /** -t: boxed table output (what the `table` verify format parses). */
  table?: boolean;
  /** -N: no header line, so an empty result prints nothing. */
  skipColumnNames?: boolean;
  /** Default database for the statement. */
  database?: string;
}

function flags(options: MysqlOptions): string {
  return [
    options.table ? ' -t' : '',
    options.skipColumnNames ? ' -N' : '',
    options.database ? ` ${shellQuote(options.database)}` : '',
  ].join('');
}

/** `mysql --defaults-extra-file=/root/.my.cnf [-t] [-N] [db] -e "<sql>"`: for statements that carry no secret. */
export function mysqlRoot(sql: string, options: MysqlOptions = {}): string {
  return `mysql --defaults-extra-file=${MYSQL_ROOT_CNF}${flags(options)} -e ${shellQuote(sql)}`;
}

/** Statements that carry a secret go on stdin (a quoted here-document), never into mysql's arguments. */
export function mysqlRootStdin(sql: string): string {
  if (/\n/.test(sql)) throw new Error('mysqlRootStdin: one line of SQL');
  return `mysql --defaults-extra-file=${MYSQL_ROOT_CNF} <<'OPSPRINT_SQL'\n${sql}\nOPSPRINT_SQL`;
}

/**
 * `mysql <args> -e <sql>` logged in as `user` with `password`, leaving the output in $out (unless
 * it is discarded) and the exit status in $status. The password reaches mysql through a temporary
 * option file (mktemp makes it 0600) written by the shell's printf builtin, so no process shows it
 * in its arguments.
 */
export function mysqlAs(user: string, password: string, args: string, sql: string, output: 'keep' | 'discard' = 'keep'): string {
  // --defaults-file, not --defaults-extra-file: root's ~/.my.cnf is read after an extra file and would log in as root instead.
  const query = `mysql --defaults-file="$cnf"${args ? ` ${args}` : ''} -e ${shellQuote(sql)}`;
  return [
    'cnf=$(mktemp) || exit 1',
    `printf '[client]\\nuser=%s\\npassword=%s\\n' ${shellQuote(user)} ${shellQuote(password)} > "$cnf"`,
    output === 'keep' ? `out=$(${query})` : `${query} >/dev/null`,
    'status=$?',
    'rm -f "$cnf"',
  ].join('; ');
}

/** Does `user` log in with `password`? `-h` makes it a TCP login (the account services use), without it the socket login of user@localhost. */
export function mysqlLoginWorks(user: string, password: string, database: string, host?: string): string {
  const target = `${host ? `-h ${shellQuote(host)} ` : ''}${shellQuote(database)}`;
  return `${mysqlAs(user, password, target, 'SELECT 1', 'discard')}; [ "$status" = 0 ]`;
}

/** The SQL of the seed's per-service block: the database and ALL PRIVILEGES from localhost and anywhere. */
export function databaseGrantsSql(name: string, user: string, password: string): string {
  return [
    `CREATE DATABASE IF NOT EXISTS ${name};`,
    `GRANT ALL PRIVILEGES ON ${name}.* TO '${user}'@'localhost' IDENTIFIED BY ${sqlString(password)};`,
    `GRANT ALL PRIVILEGES ON ${name}.* TO '${user}'@'%' IDENTIFIED BY ${sqlString(password)};`,
  ].join(' ');
}

/** The grant line MariaDB's SHOW GRANTS prints for ALL PRIVILEGES on one database. */
function hasGrant(name: string, user: string, host: string): string {
  const line = `GRANT ALL PRIVILEGES ON \`${name}\`.* TO '${user}'@'${host}'`;
  return `${mysqlRoot(`SHOW GRANTS FOR '${user}'@'${host}'`, { skipColumnNames: true })} | grep -qF ${shellQuote(line)}`;
}

/**
 * Create a service database and its user's grants. The probe checks what services rely on: both
 * grants exist and the generated password logs in over the socket and over TCP to the controller
 * (how the services connect), so a changed secret is applied by running GRANT … IDENTIFIED BY again.
 */
export function createDatabase(name: string, user: string, passwordSecret: SecretName): CommandStep {
  if (!IDENTIFIER.test(name)) throw new Error(`database name "${name}" must be a lower-case identifier`);
  if (!IDENTIFIER.test(user)) throw new Error(`database user "${user}" must be a lower-case identifier`);
  return command(`database-${name}`, {
    title: `Create the ${name} database and grant ${user}@localhost and ${user}@%`,
    run: (ctx) => mysqlRootStdin(databaseGrantsSql(name, user, ctx.secrets[passwordSecret])),
    guard: (ctx) =>
      [
        hasGrant(name, user, 'localhost'),
        hasGrant(name, user, '%'),
        `(${mysqlLoginWorks(user, ctx.secrets[passwordSecret], name)})`,
        `(${mysqlLoginWorks(user, ctx.secrets[passwordSecret], name, ctx.controller.managementIp)})`,
      ].join(' && '),
  });
}

/** `mysql://user:password@controller/name`, the connection string every service config uses. */
export function databaseUrl(ctx: RenderContext, name: string, user: string, passwordSecret: SecretName): string {
  return `mysql://${user}:${ctx.secrets[passwordSecret]}@${ctx.controller.managementIp}/${name}`;
}
