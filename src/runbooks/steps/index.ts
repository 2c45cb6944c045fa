export { command, type CommandDefinition } from './command.js';
export { phase, story, runOn, withKey, type PhaseDefinition, type StoryDefinition } from './define.js';
export { installPackages } from './packages.js';
export { ensureServices, restartServices } from './services.js';
export { writeFile, writeIni, type FileOptions } from './files.js';
export {
  MYSQL_ROOT_CNF,
  createDatabase,
  databaseGrantsSql,
  databaseUrl,
  mysqlAs,
  mysqlClientOptions,
  mysqlLoginWorks,
  mysqlRoot,
  mysqlRootStdin,
  sqlString,
  type MysqlOptions,
} from './database.js';
export { alembicAtHeads, asServiceUser, dbSync, schemaVersionAtLeast } from './db-sync.js';
export { ADMIN_OPENRC_PATH, DEMO_OPENRC_PATH, keystoneUrl, withAuth, type OpenstackAuth } from './openstack-cli.js';
export { registerService, endpointUrl, type ServiceRegistration } from './register-service.js';
export { verifyTable, expectRow, expectEveryRow, expectRowCount, type VerifyDefinition } from './verify.js';
export { shellQuote, shellArgs } from '../render/shell.js';
export { renderIni, type IniSections, type IniValue } from '../render/ini.js';
export { ensureProject, ensureUser, ensureRole, grantRole, keystonePasswordWorks } from './identity.js';
