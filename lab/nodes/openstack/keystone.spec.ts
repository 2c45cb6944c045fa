import { parseFieldValueTable, parseOpenStackTable } from '../../../src/runbooks/parse/openstack-table.js';
import { type CloudLab, keystoneReady, startCloudLab, TOKEN_ENV } from './cloud-lab.fixture.js';

const names = (stdout: string) =>
  parseOpenStackTable(stdout)
    .map((row) => row.Name)
    .sort();

describe('Keystone on the lab controller, driven by the seed command lines', () => {
  let lab: CloudLab;
  const admin = (line: string) => lab.controller.sh(`source /root/admin-openrc.sh && ${line}`);

  beforeEach(async () => {
    lab = await startCloudLab();
    await keystoneReady(lab);
  });

  it('lists the users, roles and projects the seed shows after its bootstrap', async () => {
    const users = await lab.controller.sh(`${TOKEN_ENV} && openstack user list`);
    expect(users.exitCode).toBe(0);
    expect(users.stdout.split('\n')[1]).toBe('| ID                               | Name  |');
    expect(names(users.stdout)).toEqual(['admin', 'demo']);
    for (const row of parseOpenStackTable(users.stdout)) expect(row.ID).toMatch(/^[0-9a-f]{32}$/);
    expect(names((await admin('openstack role list')).stdout)).toEqual(['admin', 'user']);
    expect(names((await admin('openstack project list')).stdout)).toEqual(['admin', 'demo', 'service']);
  });

  it('lists the three identity endpoints with region, interface and URL', async () => {
    const endpoints = parseOpenStackTable((await admin('openstack endpoint list')).stdout);
    expect(endpoints.map((e) => [e.Region, e['Service Name'], e['Service Type'], e.Enabled, e.Interface, e.URL]).sort()).toEqual([
      ['RegionOne', 'keystone', 'identity', 'True', 'admin', 'http://192.168.56.11:35357/v2.0'],
      ['RegionOne', 'keystone', 'identity', 'True', 'internal', 'http://192.168.56.11:5000/v2.0'],
      ['RegionOne', 'keystone', 'identity', 'True', 'public', 'http://192.168.56.11:5000/v2.0'],
    ]);
  });

  it('issues a token for admin with the seed options and with admin-openrc.sh', async () => {
    const byOptions = await lab.controller.sh(
      'openstack --os-auth-url http://192.168.56.11:35357/v3 --os-project-domain-id default --os-user-domain-id default ' +
        '--os-project-name admin --os-username admin --os-auth-type password token issue',
      { OS_IDENTITY_API_VERSION: '3' },
    );
    // The seed's line has no --os-password: the client prompts, and stdin answers here.
    expect(byOptions.exitCode).toBe(1);
    expect(byOptions.stderr).toContain('Set a password');
    const withPassword = await lab.controller.sh(
      'echo admin | openstack --os-auth-url http://192.168.56.11:35357/v3 --os-project-domain-id default --os-user-domain-id default --os-project-name admin --os-username admin --os-auth-type password token issue',
      { OS_IDENTITY_API_VERSION: '3' },
    );
    expect(withPassword.exitCode).toBe(0);
    const token = parseFieldValueTable((await admin('openstack token issue')).stdout);
    expect(Object.keys(token)).toEqual(['expires', 'id', 'project_id', 'user_id']);
    const project = parseOpenStackTable((await admin('openstack project list')).stdout).find((p) => p.Name === 'admin');
    const user = parseOpenStackTable((await admin('openstack user list')).stdout).find((u) => u.Name === 'admin');
    expect(token).toMatchObject({ project_id: project!.ID, user_id: user!.ID });
    expect(token.expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('refuses a wrong password, a wrong admin token and a user without a role on the project with HTTP 401', async () => {
    const wrong = await lab.controller.sh('source /root/admin-openrc.sh && OS_PASSWORD=nope openstack token issue');
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toMatch(/^The request you have made requires authentication\. \(HTTP 401\) \(Request-ID: req-[0-9a-f-]+\)\n$/);
    const badToken = await lab.controller.sh(
      'OS_TOKEN=0123 OS_URL=http://192.168.56.11:35357/v3 OS_IDENTITY_API_VERSION=3 openstack user list',
    );
    expect(badToken.exitCode).toBe(1);
    expect(badToken.stderr).toContain('(HTTP 401)');
    const demoOnAdmin = await lab.controller.sh('source /root/demo-openrc.sh && OS_PROJECT_NAME=admin openstack token issue');
    expect(demoOnAdmin.stderr).toContain('(HTTP 401)');
  });

  it('answers 409 to a duplicate project, user or role, and --or-show returns the existing one', async () => {
    for (const line of [
      'openstack project create --domain default demo',
      'openstack user create --domain default --password=x demo',
      'openstack role create user',
    ]) {
      const duplicate = await admin(line);
      expect(duplicate.exitCode).toBe(1);
      expect(duplicate.stderr).toMatch(/^Conflict occurred attempting to store (project|user|role) - Duplicate Entry \(HTTP 409\)/);
    }
    const again = await admin('openstack project create --or-show --domain default demo -f value -c name');
    expect(again).toMatchObject({ exitCode: 0, stdout: 'demo\n' });
  });

  it('formats with -f value, -f json and -c like cliff', async () => {
    const ids = (await admin('openstack project list -f value -c Name')).stdout.split('\n').filter(Boolean).sort();
    expect(ids).toEqual(['admin', 'demo', 'service']);
    const json = JSON.parse((await admin('openstack role list -f json')).stdout) as { ID: string; Name: string }[];
    expect(json.map((r) => r.Name).sort()).toEqual(['admin', 'user']);
    const id = (await admin('openstack user show admin -f value -c id')).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const badColumn = await admin('openstack user list -c Nope');
    expect(badColumn.exitCode).toBe(2);
  });

  it('rejects unknown commands and options with exit status 2', async () => {
    const unknown = await admin('openstack projet list');
    expect(unknown).toMatchObject({ exitCode: 2 });
    expect(unknown.stderr).toContain("'projet list' is not an openstack command");
    const option = await admin('openstack user create --colour red bob');
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toContain('unrecognized arguments: --colour');
  });

  it('keeps the demo user out of admin-only identity calls (HTTP 403)', async () => {
    const denied = await lab.controller.sh('source /root/demo-openrc.sh && openstack user list');
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toContain('(HTTP 403)');
  });
});

describe('Keystone failure modes the seed can run into', () => {
  let lab: CloudLab;

  beforeEach(async () => {
    lab = await startCloudLab();
  });

  it('db_sync fails with MariaDB access denied when keystone.conf has another password than the grant', async () => {
    await lab.controller.sh('yum install -y mariadb-server openstack-keystone && systemctl start mariadb');
    await lab.controller.sh(
      `mysql -uroot -e "CREATE DATABASE keystone; GRANT ALL PRIVILEGES ON keystone.* TO 'keystone'@'%' IDENTIFIED BY 'keystone';"`,
    );
    await lab.controller.sh(
      "printf '[database]\\nconnection = mysql://keystone:wrong@192.168.56.11/keystone\\n' > /etc/keystone/keystone.conf",
    );
    const sync = await lab.controller.sh('su -s /bin/sh -c "keystone-manage db_sync" keystone');
    expect(sync.exitCode).toBe(1);
    expect(sync.stderr).toContain(`(1045, "Access denied for user 'keystone'@'linux-node1.example.com' (using password: YES)")`);
    expect((await lab.controller.sh('mysql -uroot -N keystone -e "SHOW TABLES" | wc -l')).stdout.trim()).toBe('0');
    await lab.controller.sh('sed -i s/wrong/keystone/ /etc/keystone/keystone.conf');
    expect((await lab.controller.sh('su -s /bin/sh -c "keystone-manage db_sync" keystone')).exitCode).toBe(0);
    expect(Number((await lab.controller.sh('mysql -uroot -N keystone -e "SHOW TABLES" | wc -l')).stdout.trim())).toBeGreaterThan(20);
  });

  it('cannot reach Keystone before httpd serves wsgi-keystone.conf', async () => {
    const result = await lab.controller.sh(
      'yum install -y python-openstackclient && export OS_TOKEN=x OS_URL=http://192.168.56.11:35357/v3 OS_IDENTITY_API_VERSION=3 && openstack user list',
    );
    expect(result).toMatchObject({ exitCode: 1, stderr: 'Unable to establish connection to http://192.168.56.11:35357/v3\n' });
  });

  it('answers 401 to password calls when memcached was never started (the seed\'s "memecached" typo)', async () => {
    const { KEYSTONE_INSTALL, KEYSTONE_BOOTSTRAP, runAll, ADMIN_OPENRC } = await import('./cloud-lab.fixture.js');
    await runAll(
      lab.controller,
      KEYSTONE_INSTALL.map((l) => l.replace('systemctl start memcached.service httpd.service', 'systemctl start httpd.service')),
    );
    await runAll(lab.controller, KEYSTONE_BOOTSTRAP, TOKEN_ENV);
    await lab.controller.host.fs.writeFile('/root/admin-openrc.sh', ADMIN_OPENRC);
    expect((await lab.controller.sh('source /root/admin-openrc.sh && openstack token issue')).exitCode).toBe(0);
    const list = await lab.controller.sh('source /root/admin-openrc.sh && openstack user list');
    expect(list.stderr).toContain('(HTTP 401)');
    await lab.controller.sh('systemctl start memcached');
    expect((await lab.controller.sh('source /root/admin-openrc.sh && openstack user list')).exitCode).toBe(0);
  });
});
