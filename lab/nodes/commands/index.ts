import { type CommandRegistry, type LabCommandHandler } from '../lab-host.js';
import { hostname, hostnamectl, timedatectl, chronyc, getenforce, setenforce, firewallCmd } from './host-settings.js';
import { chown, getent, id, kill, su, sudo, whoami } from './identity.js';
import { install } from './install.js';
import { mysql, mysqlSecureInstallation } from './mysql.js';
import { netstat, ss } from './netstat.js';
import { curl, openssl, wget } from './network-tools.js';
import { rabbitmqctl, rabbitmqPlugins } from './rabbitmq.js';
import { sha256sum } from './sha256sum.js';
import { sshKeygen } from './ssh-keygen.js';
import { systemctl } from './systemctl.js';
import { rpm, yum } from './yum.js';

/** A binary that only exists once its package is installed: before that, bash answers 127 like on a real host. */
function providedBy(pkg: string, name: string, handler: LabCommandHandler): LabCommandHandler {
  return async (args, ctx) =>
    ctx.host.packages.has(pkg) ? handler(args, ctx) : { stdout: '', stderr: `bash: ${name}: command not found\n`, exitCode: 127 };
}

/** The CentOS 7 tools a lab node has, on top of just-bash's coreutils. */
export function centosHostCommands(registry: CommandRegistry): void {
  const always: Record<string, LabCommandHandler> = {
    yum,
    rpm,
    systemctl,
    hostnamectl,
    hostname,
    timedatectl,
    getenforce,
    setenforce,
    whoami,
    id,
    getent,
    kill,
    sudo,
    su,
    chown,
    install,
    sha256sum,
    netstat,
    ss,
    openssl,
    curl,
    'ssh-keygen': sshKeygen,
  };
  for (const [name, handler] of Object.entries(always)) registry.register(name, handler);
  registry.register('wget', providedBy('wget', 'wget', wget));
  registry.register('chronyc', providedBy('chrony', 'chronyc', chronyc));
  registry.register('firewall-cmd', providedBy('firewalld', 'firewall-cmd', firewallCmd));
  registry.register('mysql', providedBy('mariadb', 'mysql', mysql));
  registry.register('mysql_secure_installation', providedBy('mariadb-server', 'mysql_secure_installation', mysqlSecureInstallation));
  registry.register('rabbitmqctl', providedBy('rabbitmq-server', 'rabbitmqctl', rabbitmqctl));
  registry.register('rabbitmq-plugins', providedBy('rabbitmq-server', 'rabbitmq-plugins', rabbitmqPlugins));
}
