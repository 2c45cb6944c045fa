import { type CommandRegistry, type LabCommandHandler } from '../lab-host.js';
import { chronyc, firewallCmd, getenforce, hostname, hostnamectl, setenforce, timedatectl } from './host-settings.js';
import { chown, getent, id, kill, su, sudo, whoami } from './identity.js';
import { install } from './install.js';
import { mktemp } from './mktemp.js';
import { mysql, mysqlSecureInstallation } from './mysql.js';
import { netstat, ss } from './netstat.js';
import { curl, openssl, wget } from './network-tools.js';
import { rabbitmqctl, rabbitmqPlugins } from './rabbitmq.js';
import { sha256sum } from './sha256sum.js';
import { sshKeygen } from './ssh-keygen.js';
import { systemctl } from './systemctl.js';
import { rpm, yum } from './yum.js';

/**
 * The CentOS 7 tools a lab node knows, on top of just-bash's coreutils, each with the package that
 * ships it. A command exists only while its package is installed: on a minimal install `netstat`
 * (net-tools) and `wget` answer 127 until `yum install` adds them, as on a real host.
 */
const COMMANDS: Record<string, { pkg: string; handler: LabCommandHandler }> = {
  yum: { pkg: 'yum', handler: yum },
  rpm: { pkg: 'rpm', handler: rpm },
  systemctl: { pkg: 'systemd', handler: systemctl },
  hostnamectl: { pkg: 'systemd', handler: hostnamectl },
  timedatectl: { pkg: 'systemd', handler: timedatectl },
  hostname: { pkg: 'hostname', handler: hostname },
  getenforce: { pkg: 'libselinux-utils', handler: getenforce },
  setenforce: { pkg: 'libselinux-utils', handler: setenforce },
  whoami: { pkg: 'coreutils', handler: whoami },
  id: { pkg: 'coreutils', handler: id },
  chown: { pkg: 'coreutils', handler: chown },
  install: { pkg: 'coreutils', handler: install },
  mktemp: { pkg: 'coreutils', handler: mktemp },
  sha256sum: { pkg: 'coreutils', handler: sha256sum },
  getent: { pkg: 'glibc-common', handler: getent },
  kill: { pkg: 'util-linux', handler: kill },
  su: { pkg: 'util-linux', handler: su },
  sudo: { pkg: 'sudo', handler: sudo },
  ss: { pkg: 'iproute', handler: ss },
  netstat: { pkg: 'net-tools', handler: netstat },
  curl: { pkg: 'curl', handler: curl },
  wget: { pkg: 'wget', handler: wget },
  openssl: { pkg: 'openssl', handler: openssl },
  'ssh-keygen': { pkg: 'openssh', handler: sshKeygen },
  chronyc: { pkg: 'chrony', handler: chronyc },
  'firewall-cmd': { pkg: 'firewalld', handler: firewallCmd },
  mysql: { pkg: 'mariadb', handler: mysql },
  mysql_secure_installation: { pkg: 'mariadb-server', handler: mysqlSecureInstallation },
  rabbitmqctl: { pkg: 'rabbitmq-server', handler: rabbitmqctl },
  'rabbitmq-plugins': { pkg: 'rabbitmq-server', handler: rabbitmqPlugins },
};

/** A binary that only exists once its package is installed: before that, bash answers 127 like on a real host. */
function providedBy(pkg: string, name: string, handler: LabCommandHandler): LabCommandHandler {
  return async (args, ctx) =>
    ctx.host.packages.has(pkg) ? handler(args, ctx) : { stdout: '', stderr: `bash: ${name}: command not found\n`, exitCode: 127 };
}

/** just-bash knows these even when left out of its command list, and says so in its own words; CentOS 7 minimal has none of them. */
const NOT_ON_CENTOS = ['python3', 'node', 'js-exec'];

/** The CentOS 7 tools a lab node has, on top of just-bash's coreutils. */
export function centosHostCommands(registry: CommandRegistry): void {
  for (const [name, { pkg, handler }] of Object.entries(COMMANDS)) registry.register(name, providedBy(pkg, name, handler));
  for (const name of NOT_ON_CENTOS)
    registry.register(name, async () => ({ stdout: '', stderr: `bash: ${name}: command not found\n`, exitCode: 127 }));
}

/**
 * just-bash's own commands that a CentOS 7 minimal install also has (coreutils, grep, sed, gawk,
 * findutils, tar, gzip, diffutils, util-linux…). Its others (jq, rg, sqlite3, python3, node, tree,
 * file, which, strings…) are not on such a host, so a lab node does not have them either.
 */
export const MINIMAL_BUILTINS = [
  'echo',
  'cat',
  'printf',
  'ls',
  'mkdir',
  'rmdir',
  'touch',
  'rm',
  'cp',
  'mv',
  'ln',
  'chmod',
  'pwd',
  'readlink',
  'head',
  'tail',
  'wc',
  'stat',
  'grep',
  'fgrep',
  'egrep',
  'sed',
  'awk',
  'sort',
  'uniq',
  'comm',
  'cut',
  'paste',
  'tr',
  'rev',
  'nl',
  'fold',
  'expand',
  'unexpand',
  'split',
  'column',
  'join',
  'tee',
  'find',
  'basename',
  'dirname',
  'du',
  'env',
  'printenv',
  'alias',
  'unalias',
  'history',
  'xargs',
  'true',
  'false',
  'clear',
  'bash',
  'sh',
  'base64',
  'diff',
  'date',
  'sleep',
  'timeout',
  'seq',
  'expr',
  'md5sum',
  'sha1sum',
  'sha256sum',
  'tac',
  'od',
  'gzip',
  'gunzip',
  'zcat',
  'tar',
  'time',
] as const;
