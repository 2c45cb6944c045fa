import type { RenderContext } from '../model.js';
import type { IniSections } from '../render/ini.js';
import {
  MYSQL_ROOT_CNF,
  command,
  createDatabase,
  ensureServices,
  expectRow,
  installPackages,
  mysqlClientOptions,
  mysqlAs,
  mysqlRoot,
  phase,
  sqlString,
  story,
  verifyTable,
  writeFile,
  writeIni,
} from '../steps/index.js';

/**
 * Seed, "MySQL": MariaDB on the controller, /etc/my.cnf from my-medium.cnf plus the
 * utf8/InnoDB settings, mysql_secure_installation, then one database per service with
 * ALL PRIVILEGES for its user from localhost and from anywhere.
 */

/**
 * The seed copies /usr/share/mysql/my-medium.cnf to /etc/my.cnf and adds five lines to
 * [mysqld]; the whole result is rendered here so the file has one owner and one hash.
 */
export const myCnf: IniSections = {
  client: { port: 3306, socket: '/var/lib/mysql/mysql.sock' },
  mysqld: {
    port: 3306,
    socket: '/var/lib/mysql/mysql.sock',
    'skip-external-locking': null,
    key_buffer_size: '16M',
    max_allowed_packet: '1M',
    table_open_cache: 64,
    sort_buffer_size: '512K',
    net_buffer_length: '8K',
    read_buffer_size: '256K',
    read_rnd_buffer_size: '512K',
    myisam_sort_buffer_size: '8M',
    'log-bin': 'mysql-bin',
    binlog_format: 'mixed',
    'server-id': 1,
    'default-storage-engine': 'innodb',
    innodb_file_per_table: null,
    'collation-server': 'utf8_general_ci',
    'init-connect': "'SET NAMES utf8'",
    'character-set-server': 'utf8',
  },
  mysqldump: { quick: null, max_allowed_packet: '16M' },
  mysql: { 'no-auto-rehash': null },
  myisamchk: { key_buffer_size: '20M', sort_buffer_size: '20M', read_buffer: '2M', write_buffer: '2M' },
  mysqlhotcopy: { 'interactive-timeout': null },
};

/** What mysql_secure_installation does, without its prompts. */
export function secureInstallationSql(ctx: RenderContext): string {
  return [
    `UPDATE mysql.user SET Password=PASSWORD(${sqlString(ctx.secrets.MYSQL_ROOT_PASS)}) WHERE User='root';`,
    "DELETE FROM mysql.user WHERE User='';",
    "DELETE FROM mysql.user WHERE User='root' AND Host NOT IN ('localhost', '127.0.0.1', '::1');",
    'DROP DATABASE IF EXISTS test;',
    "DELETE FROM mysql.db WHERE Db='test' OR Db='test\\\\_%';",
    'FLUSH PRIVILEGES;',
  ].join(' ');
}

/**
 * Logs in as root with what the host knows (the client file from the last deployment, holding the
 * previous password, or no password on a fresh install) and applies the secure-installation SQL
 * with the current password. The SQL goes to mysql on stdin: its password never is an argument.
 */
export function secureInstallationScript(ctx: RenderContext): string {
  return [
    `secure() { mysql "$@" <<'OPSPRINT_SQL'`,
    secureInstallationSql(ctx),
    'OPSPRINT_SQL',
    '}',
    `if [ -e ${MYSQL_ROOT_CNF} ] && secure --defaults-extra-file=${MYSQL_ROOT_CNF} 2>/dev/null; then exit 0; fi`,
    'secure --no-defaults -u root',
  ].join('\n');
}

/** The seed's five databases; cinder is prepared although no phase installs it yet. */
export const SERVICE_DATABASES = [
  { name: 'keystone', secret: 'KEYSTONE_DBPASS' },
  { name: 'glance', secret: 'GLANCE_DBPASS' },
  { name: 'nova', secret: 'NOVA_DBPASS' },
  { name: 'neutron', secret: 'NEUTRON_DBPASS' },
  { name: 'cinder', secret: 'CINDER_DBPASS' },
] as const;

const install = story('mariadb-install', {
  title: 'Install and configure MariaDB',
  userStory:
    'As an operator I want MariaDB running on the controller with InnoDB and utf8 defaults so that every OpenStack service stores its data consistently.',
  acceptanceCriteria: [
    'mariadb, mariadb-server and MySQL-python are installed',
    "/etc/my.cnf sets default-storage-engine = innodb, innodb_file_per_table, collation-server = utf8_general_ci, init-connect = 'SET NAMES utf8' and character-set-server = utf8 under [mysqld]",
    'mariadb is enabled and running; it is restarted only when my.cnf changed',
  ],
  steps: [
    installPackages('mariadb', 'mariadb-server', 'MySQL-python'),
    writeIni('/etc/my.cnf', myCnf, { notify: ['mariadb'] }),
    ensureServices('mariadb'),
  ],
});

const secure = story('mariadb-secure', {
  title: 'Secure the MariaDB installation',
  userStory:
    "As an operator I want the MariaDB root account protected by the environment's generated password, without anonymous users, remote root or the test database, so that only the service accounts can reach the data.",
  acceptanceCriteria: [
    "root logs in with the generated root password (not the seed's 123456), kept in the root-only /root/.my.cnf instead of on command lines",
    'anonymous users, remote root logins and the test database are gone',
  ],
  steps: [
    command('mysql-secure-installation', {
      title: 'Set the root password and remove anonymous users, remote root and the test database',
      run: secureInstallationScript,
      // The generated password logs root in and no anonymous account is left.
      guard: (ctx) =>
        `${mysqlAs('root', ctx.secrets.MYSQL_ROOT_PASS, '-N', "SELECT COUNT(*) FROM mysql.user WHERE User=''")}; [ "$status" = 0 ] && [ "$out" = 0 ]`,
    }),
    // Written after the password is set: it is how the step above finds the previous password when the secret changes.
    writeFile(MYSQL_ROOT_CNF, (ctx) => mysqlClientOptions('root', ctx.secrets.MYSQL_ROOT_PASS), {
      title: "Keep root's MariaDB login in a root-only client file",
      language: 'conf',
      mode: '0600',
    }),
  ],
});

const databases = story('service-databases', {
  title: 'Databases for Keystone, Glance, Nova, Neutron and Cinder',
  userStory:
    'As an operator I want one database per OpenStack service, each reachable only with its own generated password, so that a leaked service credential exposes one service only.',
  acceptanceCriteria: [
    'databases keystone, glance, nova, neutron and cinder exist',
    "each service user has ALL PRIVILEGES on its database from 'localhost' and '%' with its generated password",
    '`show databases` lists all five',
  ],
  steps: [
    ...SERVICE_DATABASES.map((db) => createDatabase(db.name, db.name, db.secret)),
    verifyTable('verify-databases', {
      title: 'show databases lists every service database',
      // The client draws the table itself (-t), as the seed shows it: the evidence is its real output.
      run: mysqlRoot('SHOW DATABASES', { table: true }),
      format: 'table',
      expect: SERVICE_DATABASES.map((db) => expectRow({ Database: db.name }, `database ${db.name} exists`)),
    }),
  ],
});

export const mariadb = phase('mariadb', {
  title: 'MariaDB database',
  goal: 'A secured MariaDB on the controller with one database and account per OpenStack service.',
  dependsOn: ['base'],
  on: 'controller',
  stories: [install, secure, databases],
});
