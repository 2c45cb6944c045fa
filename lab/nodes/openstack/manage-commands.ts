/**
 * The database migration tools: keystone-manage db_sync, glance-manage db_sync,
 * nova-manage db sync, neutron-db-manage … upgrade head. Each reads its service's
 * `[database] connection`, logs in to that MariaDB and creates the service's tables.
 */
import { currentIdentity } from '../identity.js';
import type { Cloud } from './cloud.js';
import { SYNCED_TABLES } from './db-tables.js';
import { type CliContext, type CliResult, type CloudHost, fail, ok, readIfExists, resolvePath } from './host-port.js';
import { iniValue, parseDatabaseUrl, parseIni } from './ini-file.js';
import { unreadableConfig } from './config-access.js';

type Service = keyof typeof SYNCED_TABLES;

/**
 * The schema each service's Liberty packages migrate to: sqlalchemy-migrate's last version for
 * keystone (075_confirm_config_registration), glance (042_…) and nova (302_…); neutron's two
 * alembic heads (expand 34af2b5c5a59 "Add dns_name to Port", contract 4af11ca47297 "Drop cisco
 * monolithic tables").
 */
export const LIBERTY_SCHEMA: Record<Service, string> = {
  keystone: '75',
  glance: '42',
  nova: '302',
  neutron: '34af2b5c5a59,4af11ca47297',
};

const mysqlError = (code: number, message: string) => `(_mysql_exceptions.OperationalError) (${code}, "${message}")`;

/** Log in to the database the config names and create the tables; an error line like oslo.db's, or undefined. */
async function syncDatabase(cloud: Cloud, ctx: CliContext, service: Service, configPaths: string[]): Promise<string | undefined> {
  const opened = await openDatabase(cloud, ctx, configPaths);
  if (typeof opened === 'string') return opened;
  for (const table of SYNCED_TABLES[service]) opened.tables.add(table);
  opened.server.mysql.schemaVersions.set(opened.database, LIBERTY_SCHEMA[service]);
  return undefined;
}

/** The migration state of the service's database, or the error the tool prints. */
async function schemaVersion(cloud: Cloud, ctx: CliContext, configPaths: string[]): Promise<{ version: string | undefined } | string> {
  const opened = await openDatabase(cloud, ctx, configPaths);
  if (typeof opened === 'string') return opened;
  return { version: opened.server.mysql.schemaVersions.get(opened.database) };
}

/** Log in to the database a service's config names, as oslo.db does. */
async function openDatabase(
  cloud: Cloud,
  ctx: CliContext,
  configPaths: string[],
): Promise<{ server: CloudHost; database: string; tables: Set<string> } | string> {
  // The tool reads its config as whoever runs it (the service user under the seed's `su`).
  const unreadable = await unreadableConfig(ctx.host, currentIdentity().user, configPaths);
  if (unreadable) return unreadable;
  let connection: string | undefined;
  for (const path of configPaths) {
    const text = await readIfExists(ctx.fs, path);
    connection = (text && iniValue(parseIni(text), 'database', 'connection')) || connection;
  }
  // Without a connection oslo.db falls back to a SQLite file in the working directory.
  if (!connection) return '(sqlite3.OperationalError) unable to open database file';
  const db = parseDatabaseUrl(connection);
  // The command's output ends up in deployment logs and pages: never echo the password.
  if (!db) return `Could not parse rfc1738 URL from string '${connection.replace(/:[^:@/]*@/, ':***@')}'`;
  const local = db.host === 'localhost' || db.host === '127.0.0.1';
  const server = local ? ctx.host : cloud.hostByAddress(db.host);
  if (!server) return mysqlError(2005, `Unknown MySQL server host '${db.host}' (0)`);
  if (!server.isActive('mariadb')) return mysqlError(2003, `Can't connect to MySQL server on '${db.host}' (111)`);
  const client = local ? 'localhost' : ctx.host.name;
  if (!server.mysql.canLogin(db.user, db.password, db.database)) {
    return mysqlError(1045, `Access denied for user '${db.user}'@'${client}' (using password: YES)`);
  }
  const tables = server.mysql.databases.get(db.database);
  if (!tables) return mysqlError(1049, `Unknown database '${db.database}'`);
  return { server, database: db.database, tables };
}

/** The service's log file, created by whoever ran the tool (the seed runs it as the service user for that reason). */
async function touchLog(ctx: CliContext, service: Service, file: string): Promise<void> {
  const dir = `/var/log/${service}`;
  const path = `${dir}/${file}`;
  if (!(await ctx.fs.exists(dir)) || (await ctx.fs.exists(path))) return;
  await ctx.fs.writeFile(path, '');
  const { user } = currentIdentity();
  ctx.host.owners.set(path, `${user}:${user}`);
}

/** sqlalchemy-migrate's `db_version`: the number, or oslo.db's error for a database never synced. */
async function printVersion(
  state: { version: string | undefined } | string,
  service: Service,
  ctx: CliContext,
  log: string,
): Promise<CliResult> {
  await touchLog(ctx, service, log);
  if (typeof state === 'string') return fail(`CRITICAL ${service} [-] OperationalError: ${state}`);
  if (state.version === undefined)
    return fail(
      `CRITICAL ${service} [-] DbMigrationError: The database is not under version control, but has tables. Please stamp the current version of the schema manually.`,
    );
  return ok(`${state.version}\n`);
}

function usage(program: string, choices: string[], given: string): CliResult {
  return fail(
    `usage: ${program} [-h] [--config-file PATH] ... {${choices.join(',')}} ...\n` +
      `${program}: error: argument command: invalid choice: '${given}' (choose from ${choices.map((c) => `'${c}'`).join(', ')})`,
    2,
  );
}

export function keystoneManage(cloud: Cloud) {
  return async (args: string[], ctx: CliContext): Promise<CliResult> => {
    const command = args.filter((a) => !a.startsWith('-'))[0] ?? '';
    if (command === 'db_version')
      return printVersion(await schemaVersion(cloud, ctx, ['/etc/keystone/keystone.conf']), 'keystone', ctx, 'keystone.log');
    if (command !== 'db_sync') return usage('keystone-manage', ['db_sync', 'db_version'], command);
    const error = await syncDatabase(cloud, ctx, 'keystone', ['/etc/keystone/keystone.conf']);
    if (error) return fail(`CRITICAL keystone [-] OperationalError: ${error}`);
    await touchLog(ctx, 'keystone', 'keystone.log');
    return ok();
  };
}

export function glanceManage(cloud: Cloud) {
  return async (args: string[], ctx: CliContext): Promise<CliResult> => {
    const words = args.filter((a) => !a.startsWith('-')).join(' ');
    const configs = ['/etc/glance/glance-api.conf', '/etc/glance/glance-registry.conf'];
    if (words === 'db_version' || words === 'db version')
      return printVersion(await schemaVersion(cloud, ctx, configs), 'glance', ctx, 'api.log');
    if (words !== 'db_sync' && words !== 'db sync') return usage('glance-manage', ['db_sync', 'db_version', 'db'], words);
    const error = await syncDatabase(cloud, ctx, 'glance', ['/etc/glance/glance-api.conf', '/etc/glance/glance-registry.conf']);
    if (error) return fail(`CRITICAL glance [-] OperationalError: ${error}`);
    await touchLog(ctx, 'glance', 'api.log');
    // glance-manage's logging is set up after oslo.config parses: the seed notes this line as harmless.
    return ok('', 'No handlers could be found for logger "oslo_config.cfg"\n');
  };
}

export function novaManage(cloud: Cloud) {
  return async (args: string[], ctx: CliContext): Promise<CliResult> => {
    const words = args.filter((a) => !a.startsWith('-')).join(' ');
    if (words === 'db version')
      return printVersion(await schemaVersion(cloud, ctx, ['/etc/nova/nova.conf']), 'nova', ctx, 'nova-manage.log');
    if (words !== 'db sync') return usage('nova-manage', ['db', 'api_db', 'service', 'host'], words);
    const error = await syncDatabase(cloud, ctx, 'nova', ['/etc/nova/nova.conf']);
    if (error) return fail(`CRITICAL nova [-] OperationalError: ${error}`);
    await touchLog(ctx, 'nova', 'nova-manage.log');
    return ok();
  };
}

const ALEMBIC_OUTPUT = `INFO  [alembic.runtime.migration] Context impl MySQLImpl.
INFO  [alembic.runtime.migration] Will assume non-transactional DDL.
  Running upgrade for neutron ...
INFO  [alembic.runtime.migration] Context impl MySQLImpl.
INFO  [alembic.runtime.migration] Will assume non-transactional DDL.
INFO  [alembic.runtime.migration] Running upgrade  -> juno, juno_initial
INFO  [alembic.runtime.migration] Running upgrade juno -> 44621190bc02, add_uniqueconstraint_ipavailability_ranges
INFO  [alembic.runtime.migration] Running upgrade kilo -> 354db87e3225, nsxv_vdr_metadata.py
INFO  [alembic.runtime.migration] Running upgrade 354db87e3225 -> 599c6a226151, neutrodb_ipam
  OK
`;

export function neutronDbManage(cloud: Cloud) {
  return async (args: string[], ctx: CliContext): Promise<CliResult> => {
    const configFiles: string[] = [];
    const words: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '--config-file') configFiles.push(resolvePath(ctx.cwd, args[++i] ?? ''));
      else if (args[i].startsWith('--config-file=')) configFiles.push(resolvePath(ctx.cwd, args[i].slice('--config-file='.length)));
      else words.push(args[i]);
    }
    if (words[0] === 'current') {
      const files = configFiles.length > 0 ? configFiles : ['/etc/neutron/neutron.conf'];
      const state = await schemaVersion(cloud, ctx, files);
      if (typeof state === 'string')
        return fail(`INFO  [alembic.runtime.migration] Context impl MySQLImpl.\nsqlalchemy.exc.OperationalError: ${state}`);
      const heads = state.version?.split(',') ?? [];
      return ok(
        `${heads.map((h) => `${h} (head)\n`).join('')}`,
        `INFO  [alembic.runtime.migration] Context impl MySQLImpl.\nINFO  [alembic.runtime.migration] Will assume non-transactional DDL.\n  Running current for neutron ...\n  OK\n`,
      );
    }
    if (words[0] !== 'upgrade')
      return usage(
        'neutron-db-manage',
        ['current', 'history', 'branches', 'check_migration', 'upgrade', 'downgrade', 'stamp', 'revision'],
        words[0] ?? '',
      );
    if (words[1] !== 'head' && words[1] !== 'heads')
      return fail('neutron-db-manage upgrade: error: only "head" is supported by the lab', 2);
    const missing = [];
    for (const path of configFiles) if (!(await ctx.fs.exists(path))) missing.push(path);
    if (missing.length > 0) return fail(`oslo_config.cfg.ConfigFilesNotFoundError: Failed to find some config files: ${missing.join(',')}`);
    const files = configFiles.length > 0 ? configFiles : ['/etc/neutron/neutron.conf'];
    const error = await syncDatabase(cloud, ctx, 'neutron', files);
    if (error) return fail(`INFO  [alembic.runtime.migration] Context impl MySQLImpl.\nsqlalchemy.exc.OperationalError: ${error}`);
    return ok('', ALEMBIC_OUTPUT);
  };
}
