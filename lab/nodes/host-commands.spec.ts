import type { Client } from 'ssh2';
import { startLab, type Lab } from './lab.js';
import { connectTo, disconnect, execOn } from './lab-ssh-client.js';
import { USE_VAULT_REPOSITORIES } from './vault-repositories.js';
import { registerServiceRule } from './service-rules.js';

describe('simulated CentOS host commands over SSH', () => {
  let lab: Lab;
  let client: Client;
  const sh = (command: string) => execOn(client, command);

  beforeEach(async () => {
    lab = await startLab({ computeNodes: 0 });
    client = await connectTo(lab.nodes[0]!, lab.clientPrivateKey!);
    // What the runbook's base phase does first: the distribution's mirrorlist is gone, the vault is not.
    expect(await sh(USE_VAULT_REPOSITORIES)).toMatchObject({ exitCode: 0 });
  });

  afterEach(async () => {
    await disconnect(client);
    await lab.stop();
  });

  it('has the tools of a minimal install and no others until their package is installed', async () => {
    for (const present of ['ss -lnt', 'curl --version', 'sudo -n true', 'rpm -q iproute curl sudo chrony'])
      expect({ present, exitCode: (await sh(present)).exitCode }).toEqual({ present, exitCode: 0 });
    for (const absent of ['netstat -lntup', 'wget -q http://example.com/', 'openssl rand -hex 4', 'jq .', 'python3 -V', 'which ls'])
      expect({ absent, result: await sh(absent) }).toEqual({
        absent,
        result: { stdout: '', stderr: `bash: ${absent.split(' ')[0]}: command not found\n`, exitCode: 127 },
      });
    expect((await sh('rpm -q net-tools wget')).stdout).toBe('package net-tools is not installed\npackage wget is not installed\n');
    await sh('yum install -y net-tools wget');
    expect((await sh('netstat -lnt >/dev/null && command -v wget >/dev/null; echo $?')).stdout).toBe('0\n');
  });

  it('installs known packages with their files and users, and rpm -q sees them in a later session', async () => {
    expect(await sh('rpm -q mariadb-server')).toMatchObject({ stdout: 'package mariadb-server is not installed\n', exitCode: 1 });
    const install = await sh('yum install -y mariadb mariadb-server MySQL-python openstack-keystone httpd');
    expect(install.exitCode).toBe(0);
    expect(install.stdout).toContain('Complete!');
    expect((await sh('rpm -q mariadb mariadb-server openstack-keystone')).exitCode).toBe(0);
    expect(
      (await sh('test -d /etc/my.cnf.d && test -f /etc/httpd/conf/httpd.conf && grep -c "^\\[database\\]" /etc/keystone/keystone.conf'))
        .stdout,
    ).toBe('1\n');
    expect((await sh('id -u keystone')).exitCode).toBe(0);
    expect((await sh('yum install -y httpd')).stdout).toContain('already installed');
  });

  it("fails like yum on an unknown package and on the seed's EPEL release URL, gone for years", async () => {
    const unknown = await sh('yum install -y openstack-nonsense');
    expect(unknown).toMatchObject({ exitCode: 1, stderr: 'Error: Nothing to do\n' });
    expect(unknown.stdout).toContain('No package openstack-nonsense available.');
    const epel = await sh('yum install -y http://dl.fedoraproject.org/pub/epel/7/x86_64/e/epel-release-7-5.noarch.rpm');
    expect(epel).toMatchObject({ exitCode: 1, stderr: 'Error: Nothing to do\n' });
    expect(epel.stdout).toContain('Cannot open: http://dl.fedoraproject.org/pub/epel/7/x86_64/e/epel-release-7-5.noarch.rpm. Skipping.');
    expect(await sh('rpm -ivh http://dl.fedoraproject.org/pub/epel/7/x86_64/e/epel-release-7-5.noarch.rpm')).toMatchObject({
      exitCode: 1,
      stderr: expect.stringContaining('404 Not Found'),
    });
    expect((await sh('rpm -q epel-release')).exitCode).toBe(1);
  });

  it('starts only installed units and reports them through systemctl and netstat', async () => {
    expect(await sh('systemctl start mariadb.service')).toMatchObject({
      exitCode: 5,
      stderr: 'Failed to start mariadb.service: Unit mariadb.service not found.\n',
    });
    await sh('yum install -y mariadb-server net-tools');
    expect((await sh('systemctl enable mariadb.service')).stderr).toContain('Created symlink');
    expect((await sh('systemctl start mariadb.service && systemctl is-active mariadb && systemctl is-enabled mariadb')).stdout).toBe(
      'active\nenabled\n',
    );
    expect(await sh('systemctl is-active --quiet mariadb; echo $?; systemctl is-enabled --quiet memcached; echo $?')).toMatchObject({
      stdout: '0\n1\n',
      stderr: '',
    });
    expect((await sh('netstat -lntup | grep 3306')).stdout).toMatch(/^tcp\s+0\s+0 0\.0\.0\.0:3306\s+0\.0\.0\.0:\*\s+LISTEN\s+\d+\/mysqld/);
    expect((await sh('systemctl stop mariadb; systemctl is-active mariadb; ss -lntp | grep -c 3306')).stdout).toBe('inactive\n0\n');
  });

  it('lets a registered rule veto a start until the config it needs is there', async () => {
    const unregister = registerServiceRule('memcached', async (host) =>
      /OPTIONS="-l /.test(await host.fs.readFile('/etc/sysconfig/memcached').catch(() => ''))
        ? null
        : 'memcached: no listen address in OPTIONS',
    );
    try {
      await sh('yum install -y memcached');
      const refused = await sh('systemctl start memcached.service');
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain('Job for memcached.service failed');
      const status = await sh('systemctl status memcached');
      expect(status.exitCode).toBe(3);
      expect(status.stdout).toContain('memcached: no listen address in OPTIONS');
      expect((await sh('systemctl is-active memcached')).stdout).toBe('failed\n');
      await sh(`sed -i 's/^OPTIONS=""/OPTIONS="-l 127.0.0.1"/' /etc/sysconfig/memcached`);
      expect((await sh('systemctl start memcached && systemctl is-active memcached')).stdout).toBe('active\n');
    } finally {
      unregister();
    }
  });

  it('keeps MariaDB databases, accounts and grants across sessions and checks the root password', async () => {
    await sh('yum install -y mariadb mariadb-server');
    expect((await sh('mysql -e "SHOW DATABASES"')).stderr).toContain('ERROR 2002 (HY000)');
    await sh('systemctl start mariadb');
    expect(
      (
        await sh(
          `mysql -e "UPDATE mysql.user SET Password=PASSWORD('r00t') WHERE User='root'; DELETE FROM mysql.user WHERE User=''; DROP DATABASE test; FLUSH PRIVILEGES;"`,
        )
      ).exitCode,
    ).toBe(0);
    expect(await sh("mysql -u root -pwrong -e 'SHOW DATABASES'")).toMatchObject({
      exitCode: 1,
      stderr: "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)\n",
    });
    const create = `mysql -u root -p'r00t' -e "CREATE DATABASE keystone; GRANT ALL PRIVILEGES ON keystone.* TO 'keystone'@'localhost' IDENTIFIED BY 'k3y'; GRANT ALL PRIVILEGES ON keystone.* TO 'keystone'@'%' IDENTIFIED BY 'k3y';"`;
    expect((await sh(create)).exitCode).toBe(0);
    expect((await sh("mysql -u root -pr00t -e 'SHOW DATABASES' | grep -qx keystone")).exitCode).toBe(0);
    expect((await sh("mysql -u root -pr00t -e 'SHOW DATABASES' | grep -cx test")).stdout).toBe('0\n');
    expect(await sh("mysql -u root -pr00t -e 'CREATE DATABASE keystone'")).toMatchObject({
      exitCode: 1,
      stderr: "ERROR 1007 (HY000) at line 1: Can't create database 'keystone'; database exists\n",
    });
    const grants = await sh("mysql -u root -pr00t <<'SQL'\nSHOW GRANTS FOR 'keystone'@'%';\nSQL");
    expect(grants.stdout).toContain("GRANT ALL PRIVILEGES ON `keystone`.* TO 'keystone'@'%'");
    expect((await sh("mysql -u keystone -pk3y -N -e 'SELECT 1'")).stdout).toBe('1\n');
    expect((await sh("mysql -u root -pr00t -t -e 'SHOW DATABASES'")).stdout).toBe(
      '+--------------------+\n| Database           |\n+--------------------+\n| information_schema |\n| keystone           |\n| mysql              |\n| performance_schema |\n+--------------------+\n',
    );
  });

  it('keeps RabbitMQ users and permissions, and serves the management port only after a restart', async () => {
    expect((await sh('rabbitmqctl list_users')).exitCode).toBe(127);
    await sh(
      'yum install -y rabbitmq-server net-tools && systemctl enable rabbitmq-server.service && systemctl start rabbitmq-server.service',
    );
    expect((await sh('rabbitmqctl add_user openstack s3cret')).stdout).toBe('Creating user "openstack" ...\n');
    expect((await sh('rabbitmqctl set_permissions openstack ".*" ".*" ".*"')).exitCode).toBe(0);
    expect((await sh('rabbitmqctl add_user openstack again')).stderr).toContain('user_already_exists');
    expect((await sh('rabbitmqctl set_user_tags openstack administrator')).exitCode).toBe(0);
    expect((await sh('rabbitmqctl list_users')).stdout).toContain('openstack\t[administrator]\n');
    expect((await sh('rabbitmqctl list_permissions')).stdout).toContain('openstack\t.*\t.*\t.*\n');
    expect((await sh('rabbitmq-plugins enable rabbitmq_management')).stdout).toContain('rabbitmq_management');
    expect((await sh('netstat -lntup | grep -c 15672')).stdout).toBe('0\n');
    await sh('systemctl restart rabbitmq-server.service');
    const ports = (await sh('netstat -lntup')).stdout;
    expect(ports).toMatch(/:::5672\s/);
    expect(ports).toMatch(/0\.0\.0\.0:15672\s/);
  });

  it('answers the base-environment checks of the seed', async () => {
    expect(await sh("egrep -c '(vmx|svm)' /proc/cpuinfo")).toMatchObject({ stdout: '0\n', exitCode: 1 });
    expect((await sh('timedatectl set-timezone Asia/Shanghai && timedatectl | grep "Time zone"')).stdout).toContain('Asia/Shanghai');
    expect(await sh('timedatectl set-timezone Mars/Olympus')).toMatchObject({
      exitCode: 1,
      stderr: "Failed to set time zone: Invalid time zone 'Mars/Olympus'\n",
    });
    expect(
      (
        await sh(
          "sed -i '22aallow 192.168/16' /etc/chrony.conf && systemctl restart chronyd && sed -n 23p /etc/chrony.conf && chronyc sources | head -1",
        )
      ).stdout,
    ).toBe('allow 192.168/16\n210 Number of sources = 4\n');
    expect((await sh('hostnamectl set-hostname linux-node1.example.com && hostname -s')).stdout).toBe('linux-node1\n');
    expect((await sh('setenforce 0 && getenforce')).stdout).toBe('Permissive\n');
    expect((await sh('firewall-cmd --state')).stdout).toBe('running\n');
    expect((await sh('yum install -y openssl >/dev/null && openssl rand -hex 10')).stdout).toMatch(/^[0-9a-f]{20}\n$/);
  });

  it("runs the seed's user-level tools: grep [a-Z], openrc files, su, ssh-keygen, wget", async () => {
    await sh('yum install -y openstack-keystone wget');
    expect((await sh("printf 'connection = x\\n# comment\\n[token]\\n' > /tmp/k.conf; grep '^[a-Z]' /tmp/k.conf")).stdout).toBe(
      'connection = x\n',
    );
    await sh("printf 'export OS_USERNAME=admin\\nexport OS_AUTH_URL=http://192.168.56.11:35357/v3\\n' > /root/admin-openrc.sh");
    expect((await sh('source admin-openrc.sh && env | grep ^OS_ | sort')).stdout).toBe(
      'OS_AUTH_URL=http://192.168.56.11:35357/v3\nOS_USERNAME=admin\n',
    );
    expect((await sh('su -s /bin/sh -c "whoami" keystone')).stdout).toBe('keystone\n');
    expect(await sh('su -s /bin/sh -c "whoami" glance')).toMatchObject({ exitCode: 1, stderr: 'su: user glance does not exist\n' });
    expect(
      (await sh('ssh-keygen -q -N "" -f /root/.ssh/id_rsa && head -1 /root/.ssh/id_rsa && cut -d" " -f1 /root/.ssh/id_rsa.pub')).stdout,
    ).toBe('-----BEGIN OPENSSH PRIVATE KEY-----\nssh-rsa\n');
    expect(
      (await sh('wget -q http://download.cirros-cloud.net/0.3.4/cirros-0.3.4-x86_64-disk.img && test -s cirros-0.3.4-x86_64-disk.img'))
        .exitCode,
    ).toBe(0);
    expect((await sh('wget http://example.com/file')).exitCode).toBe(8);
    expect((await sh('wget http://mirrorlist.centos.org/')).exitCode).toBe(4);
    expect(
      (
        await sh(
          'chown keystone:keystone /etc/keystone/keystone.conf && install -d -m 0750 -o keystone /var/lib/ks && stat -c %a /var/lib/ks',
        )
      ).stdout,
    ).toBe('750\n');
    expect(await sh('chown nobody2 /etc/hosts')).toMatchObject({ exitCode: 1, stderr: "chown: invalid user: 'nobody2'\n" });
  });

  it('keeps owners through chown, mv, cp -p and rm, and has a shell process group like an sshd session', async () => {
    await sh('yum install -y openstack-glance');
    const owners = await sh(
      "echo x > /tmp/a && chown glance:glance /tmp/a && mv /tmp/a /etc/glance/a && cp -p /etc/glance/a /etc/glance/b && cp /etc/glance/a /etc/glance/c && stat -c '%n %U:%G' /etc/glance/a /etc/glance/b /etc/glance/c",
    );
    expect(owners.stdout).toBe('/etc/glance/a glance:glance\n/etc/glance/b glance:glance\n/etc/glance/c root:root\n');
    expect((await sh("rm -f /etc/glance/a && touch /etc/glance/a && stat -c '%U' /etc/glance/a")).stdout).toBe('root\n');
    expect((await sh("ls -l /etc/glance | grep ' b$'")).stdout).toMatch(/^-rw-r--r-- 1 glance glance +2 .* b\n$/);
    expect((await sh('cd /etc/glance && ls -l b c')).stdout).toMatch(/ glance glance .* b\n[\s\S]* root root .* c\n$/);
    const group = (await sh('read -r _ _ _ _ group _ < /proc/$$/stat && echo "$group"')).stdout.trim();
    expect(Number(group)).toBeGreaterThan(1);
    expect((await sh(`kill -KILL -- -${group}`)).exitCode).toBe(0);
    expect(await sh('kill -TERM 31337')).toMatchObject({ exitCode: 1, stderr: 'bash: kill: (31337) - No such process\n' });
  });
});
