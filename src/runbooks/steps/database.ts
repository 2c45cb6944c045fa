import type { CommandStep, RenderContext, SecretName } from '../model.js';
import { shellQuote } from '../render/shell.js';
import { command } from './command.js';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A MySQL string literal ('…' with quotes and backslashes escaped). */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export interface MysqlOptions {
  /** -t: boxed table output (what the `table` verify format parses). */
  table?: boolean;
  /** -N: no header line, so an empty result prints nothing. */
  skipColumnNames?: boolean;
  /** Default database for the statement. */
  database?: string;
}

/** `mysql -u root -p<root password> [-t] [-N] [db] -e "<sql>"` with every part shell-quoted. */
export function mysqlRoot(ctx: RenderContext, sql: string, options: MysqlOptions = {}): string {
  const flags = [
    options.table ? ' -t' : '',
    options.skipColumnNames ? ' -N' : '',
    options.database ? ` ${shellQuote(options.database)}` : '',
  ].join('');
  return `mysql -u root -p${shellQuote(ctx.secrets.MYSQL_ROOT_PASS)}${flags} -e ${shellQuote(sql)}`;
}

/** The SQL of the seed's per-service block: the database and ALL PRIVILEGES from localhost and anywhere. */
export function databaseGrantsSql(name: string, user: string, password: string): string {
  return [
    `CREATE DATABASE IF NOT EXISTS ${name};`,
    `GRANT ALL PRIVILEGES ON ${name}.* TO '${user}'@'localhost' IDENTIFIED BY ${sqlString(password)};`,
    `GRANT ALL PRIVILEGES ON ${name}.* TO '${user}'@'%' IDENTIFIED BY ${sqlString(password)};`,
  ].join(' ');
}

/** Create a service database and its user's grants; skipped when the database already exists. */
export function createDatabase(name: string, user: string, passwordSecret: SecretName): CommandStep {
  if (!IDENTIFIER.test(name)) throw new Error(`database name "${name}" must be a lower-case identifier`);
  if (!IDENTIFIER.test(user)) throw new Error(`database user "${user}" must be a lower-case identifier`);
  return command(`database-${name}`, {
    title: `Create the ${name} database and grant ${user}@localhost and ${user}@%`,
    run: (ctx) => mysqlRoot(ctx, databaseGrantsSql(name, user, ctx.secrets[passwordSecret])),
    guard: (ctx) => `${mysqlRoot(ctx, 'SHOW DATABASES')} | grep -qx ${shellQuote(name)}`,
  });
}

/** `mysql://user:password@controller/name`, the connection string every service config uses. */
export function databaseUrl(ctx: RenderContext, name: string, user: string, passwordSecret: SecretName): string {
  return `mysql://${user}:${ctx.secrets[passwordSecret]}@${ctx.controller.managementIp}/${name}`;
}
