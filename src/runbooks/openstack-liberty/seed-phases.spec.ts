import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import type { DeploymentPlan, Inventory, PlannedStep } from '../model.js';
import { checkExpectations, parseVerifyOutput } from '../parse/index.js';
import { endpointList, netstat } from '../parse/fixtures/cli-format-tables.js';
import { projectList, roleList, tokenIssue, userList } from '../parse/fixtures/seed-tables.js';
import { planDeployment } from '../plan.js';
import { shellQuote } from '../render/shell.js';
import { generateSecrets } from '../secrets.js';
import { exampleInventory } from './example-inventory.js';
import { openstackLiberty } from './index.js';

/** Every expectation held: no failure, and each recorded outcome passed. */
const ALL_PASSED = { ok: true, failures: [], outcomes: expect.not.arrayContaining([expect.objectContaining({ passed: false })]) };

const SEED_PHASES = ['base', 'mariadb', 'rabbitmq', 'keystone', 'glance'];

/** An environment that shares no address or name with the seed, to prove values come from the inventory. */
function otherInventory(): Inventory {
  const inventory = exampleInventory({ environment: 'staging' });
  inventory.nodes = [
    { ...inventory.nodes[0], name: 'ctl01.cloud.internal', managementIp: '10.20.0.5', providerInterface: 'ens3' },
    { ...inventory.nodes[1], name: 'cmp01.cloud.internal', managementIp: '10.20.0.6', providerInterface: 'ens3' },
    { ...inventory.nodes[1], name: 'cmp02.cloud.internal', managementIp: '10.20.0.7', providerInterface: 'ens3' },
  ];
  inventory.network = {
    ...inventory.network,
    managementCidr: '10.20.0.0/24',
    timezone: 'Europe/Berlin',
    ntpServers: ['ntp.cloud.internal'],
    region: 'RegionTwo',
    provider: {
      ...inventory.network.provider,
      cidr: '10.30.0.0/24',
      gateway: '10.30.0.1',
      dns: '10.30.0.1',
      allocationStart: '10.30.0.100',
      allocationEnd: '10.30.0.200',
    },
    imageUrl: 'http://mirror.cloud.internal/images/cirros-0.3.4-x86_64-disk.img',
  };
  return inventory;
}

const secrets = generateSecrets();
const inventory = otherInventory();
const plan = planDeployment(openstackLiberty, inventory, secrets, SEED_PHASES);
const controller = '10.20.0.5';

function steps(p: DeploymentPlan = plan): PlannedStep[] {
  return p.phases.flatMap((phase) => phase.steps);
}

function file(path: string, node = 'ctl01.cloud.internal'): string {
  const step = steps().find((s) => s.file?.path === path && s.node === node);
  if (!step?.file) throw new Error(`no file ${path} on ${node}`);
  return step.file.content;
}

function step(key: string): PlannedStep {
  const found = steps().find((s) => s.key === key);
  if (!found) throw new Error(`no step ${key}`);
  return found;
}

/** `section.key` → value, read back from rendered INI text the way oslo.config would see it. */
function iniValues(text: string): Map<string, string | null> {
  const values = new Map<string, string | null>();
  let section = '';
  for (const line of text.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1];
    else if (line.trim() && !line.startsWith('#')) {
      const [key, ...rest] = line.split('=');
      values.set(`${section}.${key.trim()}`, rest.length ? rest.join('=').trim() : null);
    }
  }
  return values;
}

function verifies(key: string, output: string): { ok: boolean; failures: string[] } {
  const planned = step(key);
  if (!planned.verify) throw new Error(`${key} is not a verify step`);
  return checkExpectations(parseVerifyOutput(planned.verify.format, output), planned.verify.expect);
}

describe('rendered plan of phases 1-5', () => {
  it('uses the inventory, never the seed lab addresses or names', () => {
    const text = JSON.stringify(steps());
    expect(text).not.toMatch(/192\.168\.56|linux-node|Asia\/Shanghai|RegionOne/);
    expect(text).toContain(controller);
  });

  it.each([
    ['phases 1-5', plan],
    ['the whole runbook', planDeployment(openstackLiberty, inventory, secrets)],
  ])('%s contain no demo password from the seed anywhere (commands, probes or files)', (_scope, checked) => {
    const everything = steps(checked)
      .flatMap((s) => [s.run ?? '', s.guard ?? '', s.file?.content ?? ''])
      .join('\n');
    const seedPasswords = [
      /IDENTIFIED BY '(keystone|glance|nova|neutron|cinder)'/,
      /mysql:\/\/\w+:(keystone|glance|nova|neutron)@/,
      /^password = (glance|nova|neutron)$/m,
      /--password[= ](admin|demo|glance|nova|neutron)\b/,
      /OS_PASSWORD=(admin|demo)$/m,
      /add_user openstack openstack/,
      /863d35676a5632e846d9/,
      /123456/,
    ];
    for (const pattern of seedPasswords) expect(everything).not.toMatch(pattern);
    for (const name of [
      'ADMIN_TOKEN',
      'KEYSTONE_DBPASS',
      'GLANCE_DBPASS',
      'RABBIT_PASS',
      'ADMIN_PASS',
      'DEMO_PASS',
      'GLANCE_PASS',
      'MYSQL_ROOT_PASS',
    ] as const) {
      expect(everything).toContain(secrets[name]);
    }
  });
});

describe('base environment', () => {
  it("writes the inventory's repositories (the CentOS vault by default) and retires the dead mirrorlist of CentOS-Base.repo", () => {
    const repo = file('/etc/yum.repos.d/opsprint.repo');
    expect(repo).toContain(
      '[base]\nname=CentOS-7.9.2009 - Base (vault)\nbaseurl=https://vault.centos.org/7.9.2009/os/$basearch/\nenabled=1\ngpgcheck=1\ngpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7\n',
    );
    expect(repo).toContain('baseurl=https://vault.centos.org/7.3.1611/cloud/$basearch/openstack-liberty/\n');
    expect(repo).toContain('gpgkey=https://www.centos.org/keys/RPM-GPG-KEY-CentOS-SIG-Cloud\n');
    expect(file('/etc/yum.repos.d/CentOS-Base.repo')).not.toMatch(/^\[|mirrorlist=/m);
    // Every later install depends on the repositories: they come first, checked by asking yum for each.
    expect(plan.phases[0].phase.stories[0].key).toBe('package-repositories');
    expect(step('repositories-reachable').guard).toContain('for id in base updates extras centos-openstack-liberty; do');

    const mirrored = otherInventory();
    mirrored.network.repositories = [{ id: 'dc1-centos', name: 'CentOS 7.9 (dc1)', baseUrl: 'http://mirror.dc1/centos/7.9/os/x86_64/' }];
    const mirroredPlan = planDeployment(openstackLiberty, mirrored, secrets, ['base']);
    const mirroredRepo = mirroredPlan.phases[0].steps.find((s) => s.file?.path === '/etc/yum.repos.d/opsprint.repo')?.file?.content;
    expect(mirroredRepo).toBe(
      "# Managed by OpSprint from the inventory's network.repositories.\n\n[dc1-centos]\nname=CentOS 7.9 (dc1)\nbaseurl=http://mirror.dc1/centos/7.9/os/x86_64/\nenabled=1\ngpgcheck=0\n",
    );
  });

  it('installs what its checks use (ss from iproute, curl) instead of assuming netstat or wget', () => {
    const commands = steps().flatMap((s) => [s.run ?? '', s.guard ?? '']);
    expect(commands.some((c) => /\b(netstat|wget)\b/.test(c))).toBe(false);
    expect(step('install-iproute-curl').run).toBe('yum install -y iproute curl');
  });

  it('lists every node in /etc/hosts on every node', () => {
    for (const node of inventory.nodes) {
      const hosts = file('/etc/hosts', node.name);
      for (const other of inventory.nodes) expect(hosts).toContain(`${other.managementIp}\t${other.name}\n`);
    }
    expect(file('/etc/hostname', 'cmp02.cloud.internal')).toBe('cmp02.cloud.internal\n');
  });

  it('makes the controller the time source of the management network', () => {
    expect(file('/etc/chrony.conf')).toMatch(/^server ntp\.cloud\.internal iburst$/m);
    expect(file('/etc/chrony.conf')).toMatch(/^allow 10\.20\.0\.0\/24$/m);
    const compute = file('/etc/chrony.conf', 'cmp01.cloud.internal');
    expect(compute).toMatch(/^server 10\.20\.0\.5 iburst$/m);
    expect(compute).not.toMatch(/^allow/m);
    expect(step('timezone').run).toBe('timedatectl set-timezone Europe/Berlin');
  });

  it('checks SELinux and firewalld with a table the fieldValue parser reads', () => {
    const stub = (selinux: string, firewalld: string) =>
      `getenforce() { echo ${selinux}; }; systemctl() { echo ${firewalld}; return 3; }; `;
    const run = step('verify-selinux-firewall').run as string;
    const output = (selinux: string, firewalld: string) =>
      execFileSync('bash', ['-c', stub(selinux, firewalld) + run], { encoding: 'utf8' });
    expect(verifies('verify-selinux-firewall', output('Permissive', 'inactive')).ok).toBe(true);
    expect(verifies('verify-selinux-firewall', output('Enforcing', 'active')).failures).toHaveLength(2);
  });
});

describe('MariaDB', () => {
  it("renders my.cnf with the seed's [mysqld] settings", () => {
    const cnf = iniValues(file('/etc/my.cnf'));
    expect(cnf.get('mysqld.default-storage-engine')).toBe('innodb');
    expect(cnf.get('mysqld.innodb_file_per_table')).toBeNull();
    expect(cnf.get('mysqld.collation-server')).toBe('utf8_general_ci');
    expect(cnf.get('mysqld.init-connect')).toBe("'SET NAMES utf8'");
    expect(cnf.get('mysqld.character-set-server')).toBe('utf8');
    expect(step('file-etc-my-cnf').file?.notify).toEqual(['mariadb']);
  });

  it('creates the five service databases with their own generated passwords', () => {
    for (const [db, secret] of [
      ['keystone', 'KEYSTONE_DBPASS'],
      ['glance', 'GLANCE_DBPASS'],
      ['nova', 'NOVA_DBPASS'],
      ['neutron', 'NEUTRON_DBPASS'],
      ['cinder', 'CINDER_DBPASS'],
    ] as const) {
      expect(step(`database-${db}`).run).toContain(`TO '${db}'@'%' IDENTIFIED BY '${secrets[secret]}'`);
    }
  });

  it("keeps root's password out of every command line: a root-only client file, and SQL on stdin", () => {
    expect(file('/root/.my.cnf')).toBe(`[client]\nuser=root\npassword=${secrets.MYSQL_ROOT_PASS}\n`);
    expect(step('file-root-my-cnf').file).toMatchObject({ mode: '0600', owner: 'root', group: 'root', backup: false });
    const secure = step('mysql-secure-installation');
    // Each script runs in bash with a mysql stub that records the arguments it was given (what `ps` would show).
    for (const script of [secure.run, secure.guard, step('database-nova').run, step('database-nova').guard] as string[]) {
      const argv = spawnSync('bash', ['-c', `mysql() { printf '%s\\n' "$@" >&2; cat >/dev/null; }\n${script}`], {
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
      }).stderr;
      expect(argv).toMatch(/--(no-)?defaults/);
      for (const secret of [secrets.MYSQL_ROOT_PASS, secrets.NOVA_DBPASS]) expect(argv).not.toContain(secret);
    }
    expect(secure.run).toContain(`UPDATE mysql.user SET Password=PASSWORD('${secrets.MYSQL_ROOT_PASS}') WHERE User='root';`);
    expect(step('verify-databases').run).toBe("mysql --defaults-extra-file=/root/.my.cnf -t -e 'SHOW DATABASES'");
  });
});

describe('MariaDB verification', () => {
  /** What the MariaDB client prints for SHOW DATABASES with -t, and only with it (else one name a line). */
  const showDatabases = (names: string[]) => {
    const width = Math.max('Database'.length, ...names.map((name) => name.length));
    const rule = `+${'-'.repeat(width + 2)}+`;
    const row = (cell: string) => `| ${cell.padEnd(width)} |`;
    const table = [rule, row('Database'), rule, ...names.map(row), rule].join('\n');
    const client = `mysql() { case " $* " in *" -t "*) printf '%s\\n' ${shellQuote(table)};; *) printf '%s\\n' ${names.join(' ')};; esac; }`;
    return execFileSync('bash', ['-c', `${client}; ${step('verify-databases').run}`], { encoding: 'utf8' });
  };

  it('reads `show databases` as a table and finds every service database', () => {
    const all = ['information_schema', 'cinder', 'glance', 'keystone', 'mysql', 'neutron', 'nova', 'performance_schema'];
    expect(verifies('verify-databases', showDatabases(all))).toMatchObject(ALL_PASSED);
  });

  it('names the missing database', () => {
    const result = verifies('verify-databases', showDatabases(['information_schema', 'glance', 'keystone', 'mysql', 'neutron', 'nova']));
    expect(result.failures).toEqual([expect.stringContaining('database cinder exists')]);
  });
});

describe('RabbitMQ', () => {
  it('creates the openstack user with the generated password and all permissions', () => {
    expect(step('rabbitmq-user').run).toBe(
      `rabbitmqctl add_user openstack ${secrets.RABBIT_PASS} 2>/dev/null || rabbitmqctl change_password openstack ${secrets.RABBIT_PASS}`,
    );
    // Done only when the management API lets openstack in with the generated password, read by curl from stdin.
    expect(step('rabbitmq-user').guard).toBe(
      `curl -sf -o /dev/null -K - http://127.0.0.1:15672/api/whoami <<'OPSPRINT_CURL'\nuser = "openstack:${secrets.RABBIT_PASS}"\nOPSPRINT_CURL`,
    );
    expect(step('rabbitmq-permissions').run).toBe('rabbitmqctl set_permissions openstack ".*" ".*" ".*"');
    expect(step('rabbitmq-administrator-tag').run).toBe('rabbitmqctl set_user_tags openstack administrator');
  });

  it('accepts a netstat table with 5672 and 15672 and rejects one without the management port', () => {
    expect(verifies('verify-management-port', netstat)).toMatchObject(ALL_PASSED);
    const withoutWeb = netstat
      .split('\n')
      .filter((line) => !line.includes(':15672'))
      .join('\n');
    expect(verifies('verify-management-port', withoutWeb).ok).toBe(false);
  });
});

describe('Keystone', () => {
  it('renders keystone.conf with every key the seed sets, with this environment values', () => {
    const conf = iniValues(file('/etc/keystone/keystone.conf'));
    expect(Object.fromEntries(conf)).toEqual({
      'DEFAULT.admin_token': secrets.ADMIN_TOKEN,
      'DEFAULT.verbose': 'true',
      'database.connection': `mysql://keystone:${secrets.KEYSTONE_DBPASS}@${controller}/keystone`,
      'memcache.servers': `${controller}:11211`,
      'token.provider': 'uuid',
      'token.driver': 'memcache',
      'revoke.driver': 'sql',
    });
  });

  it('serves the public and admin APIs through httpd on 5000 and 35357', () => {
    const wsgi = file('/etc/httpd/conf.d/wsgi-keystone.conf');
    expect(wsgi).toMatch(/^Listen 5000\nListen 35357\n/);
    expect(wsgi).toContain(
      '<VirtualHost *:5000>\n    WSGIDaemonProcess keystone-public processes=5 threads=1 user=keystone group=keystone',
    );
    expect(wsgi).toContain('WSGIScriptAlias / /usr/bin/keystone-wsgi-admin');
    expect(step('httpd-servername').guard).toBe(`grep -qx 'ServerName ${controller}:80' /etc/httpd/conf/httpd.conf`);
    expect(step('db-sync-keystone').run).toBe(`su -s /bin/sh -c 'keystone-manage db_sync' keystone`);
  });

  it("accepts the controller's netstat table for the identity ports", () => {
    expect(verifies('verify-keystone-ports', netstat)).toMatchObject(ALL_PASSED);
    expect(verifies('verify-keystone-ports', netstat.replace(':::35357', ':::35358')).ok).toBe(false);
  });

  it('writes root-only openrc files with the environment controller and generated passwords', () => {
    expect(file('/root/admin-openrc.sh')).toContain(
      `export OS_PASSWORD=${secrets.ADMIN_PASS}\nexport OS_AUTH_URL=http://${controller}:35357/v3\n`,
    );
    expect(file('/root/demo-openrc.sh')).toContain(
      `export OS_USERNAME=demo\nexport OS_PASSWORD=${secrets.DEMO_PASS}\nexport OS_AUTH_URL=http://${controller}:5000/v3\n`,
    );
    expect(file('/root/admin-openrc.sh')).toContain('export OS_IMAGE_API_VERSION=2\n');
    expect(step('file-root-admin-openrc-sh').file?.mode).toBe('0700');
  });

  it("accepts the seed's user, role, project and token tables", () => {
    expect(verifies('verify-users', userList).ok).toBe(true);
    expect(verifies('verify-roles', roleList).ok).toBe(true);
    expect(verifies('verify-projects', projectList).ok).toBe(true);
    expect(verifies('verify-admin-openrc', tokenIssue).ok).toBe(true);
    expect(verifies('verify-password-token', tokenIssue).ok).toBe(true);
    expect(verifies('verify-projects', userList).failures).toEqual(expect.arrayContaining([expect.stringContaining('service')]));
  });

  it('expects the identity endpoints at this controller', () => {
    const seedUrls = endpointList.replaceAll('192.168.56.11', controller);
    expect(verifies('verify-identity-endpoints', seedUrls).ok).toBe(true);
    expect(verifies('verify-identity-endpoints', endpointList).ok).toBe(false);
  });
});

describe('Glance', () => {
  const authtoken = {
    'keystone_authtoken.auth_uri': `http://${controller}:5000`,
    'keystone_authtoken.auth_url': `http://${controller}:35357`,
    'keystone_authtoken.auth_plugin': 'password',
    'keystone_authtoken.project_domain_id': 'default',
    'keystone_authtoken.user_domain_id': 'default',
    'keystone_authtoken.project_name': 'service',
    'keystone_authtoken.username': 'glance',
    'keystone_authtoken.password': secrets.GLANCE_PASS,
    'paste_deploy.flavor': 'keystone',
  };

  it('renders glance-api.conf with every key the seed sets', () => {
    expect(Object.fromEntries(iniValues(file('/etc/glance/glance-api.conf')))).toEqual({
      'DEFAULT.verbose': 'True',
      'DEFAULT.notification_driver': 'noop',
      'database.connection': `mysql://glance:${secrets.GLANCE_DBPASS}@${controller}/glance`,
      'glance_store.default_store': 'file',
      'glance_store.filesystem_store_datadir': '/var/lib/glance/images/',
      ...authtoken,
    });
  });

  it('renders glance-registry.conf with every key the seed sets', () => {
    expect(Object.fromEntries(iniValues(file('/etc/glance/glance-registry.conf')))).toEqual({
      'database.connection': `mysql://glance:${secrets.GLANCE_DBPASS}@${controller}/glance`,
      ...authtoken,
    });
  });

  it('registers the image service on 9292 in the inventory region and uploads cirros', () => {
    expect(step('register-glance-endpoint-admin').run).toContain(
      `openstack endpoint create --region RegionTwo image admin http://${controller}:9292`,
    );
    expect(step('download-cirros').run).toBe(
      'mkdir -p /server/tools && curl -fsSL -o /server/tools/cirros-0.3.4-x86_64-disk.img.part http://mirror.cloud.internal/images/cirros-0.3.4-x86_64-disk.img' +
        ' && got="md5:$(md5sum /server/tools/cirros-0.3.4-x86_64-disk.img.part | cut -c1-32)"' +
        ' && if [ "$got" = md5:ee1eca47dc88f4879d8a229cc70a07c6 ]; then mv -f /server/tools/cirros-0.3.4-x86_64-disk.img.part /server/tools/cirros-0.3.4-x86_64-disk.img;' +
        ' else echo "checksum mismatch: expected md5:ee1eca47dc88f4879d8a229cc70a07c6, got $got" >&2; rm -f /server/tools/cirros-0.3.4-x86_64-disk.img.part; exit 1; fi',
    );
    expect(step('create-cirros-image').run).toContain(
      'glance image-create --name cirros --file /server/tools/cirros-0.3.4-x86_64-disk.img --disk-format qcow2 --container-format bare --visibility public --progress',
    );
  });
});

describe('stories', () => {
  it('each phase 1-5 story is a user story with acceptance criteria and steps', () => {
    for (const { phase } of plan.phases) {
      for (const story of phase.stories) {
        expect(story.userStory).toMatch(/^As an operator I want .+ so that .+/);
        expect(story.acceptanceCriteria.length).toBeGreaterThan(0);
        expect(story.steps.length).toBeGreaterThan(0);
      }
    }
  });
});
