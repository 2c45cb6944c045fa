import type { RenderContext } from '../model.js';
import { shellArgs, shellQuote } from '../render/shell.js';
import { command, ensureServices, expectRow, installPackages, phase, story, verifyTable, writeFile } from '../steps/index.js';
import { CENTOS_BASE_REPO_PLACEHOLDER, renderRepoFile, repositoriesOf } from './package-repositories.js';

/**
 * Seed, "OpenStack基础环境": two VMs (controller + compute), hostnames and /etc/hosts,
 * time sync with chrony (the controller serves the management network, the computes
 * follow it), the Asia/Shanghai time zone, the package repositories and the openstack
 * client. The seed's closing warning lists what breaks installs:
 * "selinux, iptables, /etc/hosts, hostname".
 */

export function renderHosts(ctx: RenderContext): string {
  const lines = [
    '127.0.0.1   localhost localhost.localdomain localhost4 localhost4.localdomain4',
    '::1         localhost localhost.localdomain localhost6 localhost6.localdomain6',
    ...ctx.inventory.nodes.map((node) => `${node.managementIp}\t${node.name}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Controller: upstream servers + `allow <management network>`; others: `server <controller> iburst`. */
export function renderChronyConf(ctx: RenderContext): string {
  const isController = ctx.node.name === ctx.controller.name;
  const servers = isController ? ctx.inventory.network.ntpServers : [ctx.controller.managementIp];
  const lines = [
    ...servers.map((server) => `server ${server} iburst`),
    'driftfile /var/lib/chrony/drift',
    'makestep 1.0 3',
    'rtcsync',
    ...(isController ? [`allow ${ctx.inventory.network.managementCidr}`] : []),
    'logdir /var/log/chrony',
  ];
  return `${lines.join('\n')}\n`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A Field/Value table (what `fieldValue` verification parses) built from plain probes. */
function fieldValueTable(rows: Array<[string, string]>): string {
  const format = [
    '+-------+-------+',
    '| Field | Value |',
    '+-------+-------+',
    ...rows.map(() => '| %s | %s |'),
    '+-------+-------+',
  ].join('\\n');
  const args = rows.flatMap(([field, probe]) => [shellQuote(field), `"$(${probe})"`]);
  return `printf ${shellQuote(`${format}\\n`)} ${args.join(' ')}`;
}

const hostIdentity = story('host-identity', {
  title: 'Host names and /etc/hosts on every node',
  userStory:
    'As an operator I want every node to carry its inventory host name and resolve all other nodes by name so that services configured with host names reach each other without DNS.',
  acceptanceCriteria: [
    '/etc/hostname holds the node name from the inventory and `hostname` prints it',
    '/etc/hosts lists every node of the inventory with its management IP',
  ],
  steps: [
    writeFile('/etc/hostname', (ctx) => `${ctx.node.name}\n`, { title: 'Write /etc/hostname', language: 'text' }),
    command('set-running-hostname', {
      title: 'Apply the host name to the running system',
      run: (ctx) => `hostname ${shellQuote(ctx.node.name)}`,
      guard: (ctx) => `test "$(hostname)" = ${shellQuote(ctx.node.name)}`,
    }),
    writeFile('/etc/hosts', renderHosts, { title: 'List every node in /etc/hosts', language: 'text' }),
  ],
});

const timeSync = story('time-sync', {
  title: 'Time synchronisation and time zone',
  userStory:
    "As an operator I want all nodes to follow the controller's clock in the same time zone so that tokens, RabbitMQ and logs agree on the time.",
  acceptanceCriteria: [
    'chrony is installed, enabled and running on every node',
    'the controller serves time to the management network (`allow <management CIDR>`)',
    'compute nodes use `server <controller IP> iburst`',
    "the time zone is the inventory's (Asia/Shanghai in the lab)",
  ],
  steps: [
    installPackages('chrony'),
    writeFile('/etc/chrony.conf', renderChronyConf, { language: 'conf', notify: ['chronyd'] }),
    ensureServices('chronyd'),
    command('timezone', {
      title: 'Set the time zone',
      run: (ctx) => `timedatectl set-timezone ${shellQuote(ctx.inventory.network.timezone)}`,
      // CentOS prints `Time zone: Asia/Shanghai (CST, +0800)`; the zone must end at a space or the line end.
      guard: (ctx) => `timedatectl | grep -qE ${shellQuote(`Time zone: ${escapeRegExp(ctx.inventory.network.timezone)}( |$)`)}`,
    }),
  ],
});

const REPO_DIR = '/etc/yum.repos.d';

/** yum lists each enabled repository as `<id>/<releasever>/<basearch>` (or just `<id>`): every configured id must be there. */
function repositoriesEnabled(ids: string[]): string {
  return [
    `listed=$(yum -q repolist enabled 2>/dev/null | awk '{sub(/\\/.*/, "", $1); print $1}') || exit 1`,
    `for id in ${shellArgs(ids)}; do printf '%s\\n' "$listed" | grep -qx "$id" || exit 1; done`,
  ].join('; ');
}

// The seed installs EPEL from a release RPM that has been gone from dl.fedoraproject.org for
// years, the Liberty repository through centos-release-openstack-liberty (whose mirror.centos.org
// URL is gone too) and adds an aliyun mirror without signature checks. The repositories are
// settings instead (network.repositories, the CentOS vault by default), written as one repo file;
// nothing the runbook installs needs EPEL (RDO advises against mixing it in).
const repositories = story('package-repositories', {
  title: 'Package repositories from the inventory',
  userStory:
    'As an operator I want every node to install packages only from the repositories named in the inventory (the CentOS vault or our mirror) so that installs work now that the CentOS 7 mirrors are gone, and come from sources we chose.',
  acceptanceCriteria: [
    "/etc/yum.repos.d/opsprint.repo lists the inventory's repositories, signed ones with gpgcheck=1 and their key",
    'CentOS-Base.repo no longer points at the dead mirrorlist.centos.org',
    'yum lists every configured repository as enabled and can read its metadata',
  ],
  steps: [
    writeFile(`${REPO_DIR}/CentOS-Base.repo`, CENTOS_BASE_REPO_PLACEHOLDER, {
      title: 'Retire the mirrorlist repositories of CentOS-Base.repo',
    }),
    writeFile(`${REPO_DIR}/opsprint.repo`, renderRepoFile, { title: "Write the inventory's repositories to opsprint.repo" }),
    command('repositories-reachable', {
      title: 'Read the metadata of every configured repository',
      // A repository that cannot be reached fails here, naming itself, instead of at the first install.
      run: 'yum clean all && yum makecache fast',
      guard: (ctx) => repositoriesEnabled(repositoriesOf(ctx).map((r) => r.id)),
    }),
  ],
});

/** Backups OpSprint 1.0 kept beside the files it replaced (keystone.conf.opsprint-<time>.bak…), secrets included. */
const LEGACY_BACKUPS = "find /etc -name '*.opsprint-*.bak' -type f";

const leftovers = story('earlier-backups', {
  title: 'No copies of old configuration files in /etc',
  userStory:
    'As an operator I want the configuration backups earlier OpSprint versions left beside the files in /etc removed so that no old password stays readable next to the file that replaced it.',
  acceptanceCriteria: [
    'no *.opsprint-*.bak file is left under /etc (backups are kept root-only under /var/lib/opsprint/backups, and none of files holding secrets)',
  ],
  steps: [
    command('remove-earlier-backups', {
      title: 'Remove the backups earlier versions left beside the configuration files',
      run: `${LEGACY_BACKUPS} -delete`,
      guard: `[ -z "$(${LEGACY_BACKUPS})" ]`,
    }),
  ],
});

const tools = story('host-tools', {
  title: 'The tools the runbook and its checks use',
  userStory:
    'As an operator I want the commands the runbook and its verifications call installed explicitly so that a minimal CentOS 7 install, which lacks some of them, deploys like a fuller one.',
  acceptanceCriteria: [
    'iproute (ss, for the port checks) and curl (downloads, HTTP checks) are installed',
    'python-openstackclient is installed on every node',
  ],
  steps: [installPackages('iproute', 'curl'), installPackages('python-openstackclient')],
});

const hostSecurity = story('selinux-firewall', {
  title: 'SELinux and the firewall out of the way',
  userStory:
    'As an operator I want SELinux not enforcing and firewalld stopped on every node so that httpd/WSGI, libvirt and the OpenStack ports work as the seed expects.',
  acceptanceCriteria: [
    'getenforce does not report Enforcing, and /etc/selinux/config keeps it so after a reboot',
    'firewalld is neither active nor enabled',
  ],
  steps: [
    command('selinux-permissive', {
      title: 'Stop SELinux enforcing now and after reboot',
      run: "setenforce 0; sed -i 's/^SELINUX=.*/SELINUX=disabled/' /etc/selinux/config",
      guard: "getenforce | grep -qv Enforcing && grep -qx 'SELINUX=disabled' /etc/selinux/config",
    }),
    command('firewalld-off', {
      title: 'Stop and disable firewalld',
      run: 'systemctl stop firewalld && systemctl disable firewalld',
      guard: '! systemctl is-active --quiet firewalld && ! systemctl is-enabled --quiet firewalld',
    }),
    verifyTable('verify-selinux-firewall', {
      title: 'SELinux is not enforcing and firewalld is not running',
      run: fieldValueTable([
        ['selinux', 'getenforce'],
        ['firewalld', 'systemctl is-active firewalld'],
      ]),
      format: 'fieldValue',
      expect: [
        expectRow({ selinux: /^(Disabled|Permissive)$/ }, 'SELinux is Disabled or Permissive'),
        expectRow({ firewalld: /^(inactive|unknown|failed)$/ }, 'firewalld is not active'),
      ],
    }),
  ],
});

export const base = phase('base', {
  title: 'Base environment',
  goal: 'Every node has its name, resolves the others, keeps time with the controller and can install OpenStack Liberty packages.',
  dependsOn: [],
  on: ['controller', 'compute'],
  // Repositories first: every later install depends on them.
  stories: [repositories, tools, hostIdentity, hostSecurity, timeSync, leftovers],
});
