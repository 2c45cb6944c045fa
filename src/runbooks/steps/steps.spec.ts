import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandStep, RenderContext } from '../model.js';
import { exampleInventory } from '../openstack-liberty/example-inventory.js';
import { renderStep } from '../plan-step.js';
import { resolveTemplate } from '../render/template.js';
import { generateSecrets } from '../secrets.js';
import { createDatabase, dbSync, installPackages, registerService, writeFile, writeIni } from './index.js';

const inventory = exampleInventory();
const secrets = generateSecrets();
const ctx: RenderContext = { inventory, secrets, controller: inventory.nodes[0], computes: [inventory.nodes[1]], node: inventory.nodes[0] };
const render = (step: CommandStep) => ({ run: resolveTemplate(step.run, ctx), guard: step.guard && resolveTemplate(step.guard, ctx) });

function bash(script: string): number {
  try {
    execFileSync('bash', ['-c', script], { stdio: 'ignore' });
    return 0;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('installPackages', () => {
  it('installs with yum and probes with rpm -q', () => {
    expect(render(installPackages('openstack-glance', 'python-glance'))).toEqual({
      run: 'yum install -y openstack-glance python-glance',
      guard: 'rpm -q openstack-glance python-glance',
    });
  });
});

describe('createDatabase', () => {
  it("creates the database and grants its user from 'localhost' and '%' with the generated password", () => {
    const { run, guard } = render(createDatabase('nova', 'nova', 'NOVA_DBPASS'));
    expect(run).toBe(
      `mysql -u root -p${secrets.MYSQL_ROOT_PASS} -e 'CREATE DATABASE IF NOT EXISTS nova; ` +
        `GRANT ALL PRIVILEGES ON nova.* TO '\\''nova'\\''@'\\''localhost'\\'' IDENTIFIED BY '\\''${secrets.NOVA_DBPASS}'\\''; ` +
        `GRANT ALL PRIVILEGES ON nova.* TO '\\''nova'\\''@'\\''%'\\'' IDENTIFIED BY '\\''${secrets.NOVA_DBPASS}'\\'';'`,
    );
    expect(guard).toBe(`mysql -u root -p${secrets.MYSQL_ROOT_PASS} -e 'SHOW DATABASES' | grep -qx nova`);
  });

  it('passes the SQL to mysql as one argument, exactly as written', () => {
    const { run } = render(createDatabase('nova', 'nova', 'NOVA_DBPASS'));
    const echoed = execFileSync('bash', ['-c', `mysql() { printf '%s' "$5"; }; ${run}`], { encoding: 'utf8' });
    expect(echoed).toBe(
      `CREATE DATABASE IF NOT EXISTS nova; GRANT ALL PRIVILEGES ON nova.* TO 'nova'@'localhost' IDENTIFIED BY '${secrets.NOVA_DBPASS}'; GRANT ALL PRIVILEGES ON nova.* TO 'nova'@'%' IDENTIFIED BY '${secrets.NOVA_DBPASS}';`,
    );
  });

  it('refuses names that are not SQL identifiers', () => {
    expect(() => createDatabase('nova; DROP DATABASE mysql', 'nova', 'NOVA_DBPASS')).toThrow(
      'database name "nova; DROP DATABASE mysql" must be a lower-case identifier',
    );
  });
});

describe('dbSync', () => {
  it('runs the sync as the service user, skipped once the database has tables', () => {
    expect(render(dbSync('keystone', 'keystone-manage db_sync', { database: 'keystone' }))).toEqual({
      run: "su -s /bin/sh -c 'keystone-manage db_sync' keystone",
      guard: `mysql -u root -p${secrets.MYSQL_ROOT_PASS} -N keystone -e 'SHOW TABLES' | grep -q .`,
    });
  });
});

describe('registerService', () => {
  const steps = registerService({
    name: 'nova',
    type: 'compute',
    description: 'OpenStack Compute',
    port: 8774,
    path: '/v2/%(tenant_id)s',
    serviceUser: 'nova',
    passwordSecret: 'NOVA_PASS',
  });

  it('creates user, role, service and three endpoints, each with its own probe', () => {
    expect(steps.map((s) => s.key)).toEqual([
      'register-nova-user',
      'register-nova-role',
      'register-nova-service',
      'register-nova-endpoint-public',
      'register-nova-endpoint-internal',
      'register-nova-endpoint-admin',
    ]);
    for (const step of steps) expect(step.guard).toBeDefined();
  });

  it('uses admin-openrc.sh and the seed command lines with the environment values', () => {
    const [user, role, service, publicEndpoint] = steps.map(render);
    expect(user.run).toBe(`source /root/admin-openrc.sh && openstack user create --domain default --password ${secrets.NOVA_PASS} nova`);
    expect(user.guard).toBe('source /root/admin-openrc.sh && openstack user show nova');
    expect(role.run).toBe('source /root/admin-openrc.sh && openstack role add --project service --user nova admin');
    expect(role.guard).toBe(
      'source /root/admin-openrc.sh && openstack role list --project service --user nova -f value -c Name | grep -qx admin',
    );
    expect(service.run).toBe(
      "source /root/admin-openrc.sh && openstack service create --name nova --description 'OpenStack Compute' compute",
    );
    expect(publicEndpoint.run).toBe(
      "source /root/admin-openrc.sh && openstack endpoint create --region RegionOne compute public 'http://192.168.56.11:8774/v2/%(tenant_id)s'",
    );
  });

  it('probes match whole names only (a user holding role "admins" does not count)', () => {
    const role = render(steps[1]).guard as string;
    const withRoles = (names: string) => `source() { :; }; openstack() { printf '%s\\n' ${names}; }; ${role}`;
    expect(bash(withRoles('member admin'))).toBe(0);
    expect(bash(withRoles('admins member'))).not.toBe(0);
  });

  it('uses the admin token and the admin port for the identity service itself', () => {
    const identity = registerService({
      name: 'keystone',
      type: 'identity',
      description: 'OpenStack Identity',
      port: 5000,
      adminPort: 35357,
      path: '/v2.0',
      auth: 'admin-token',
    });
    expect(identity.map((s) => s.key)).not.toContain('register-keystone-user');
    const admin = render(identity.find((s) => s.key === 'register-keystone-endpoint-admin') as CommandStep);
    expect(admin.run).toBe(
      `export OS_TOKEN=${secrets.ADMIN_TOKEN} OS_URL=http://192.168.56.11:35357/v3 OS_IDENTITY_API_VERSION=3 && openstack endpoint create --region RegionOne identity admin http://192.168.56.11:35357/v2.0`,
    );
  });

  it('refuses a service user without a password secret', () => {
    expect(() => registerService({ name: 'x', type: 'y', description: 'z', port: 1, serviceUser: 'x' })).toThrow(
      'serviceUser and passwordSecret go together',
    );
  });
});

describe('writeFile / writeIni', () => {
  it('gives the planned file a guard that holds exactly when the content is already there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsprint-file-'));
    const path = join(dir, "glance api's.conf");
    const planned = renderStep(writeIni(path, { DEFAULT: { verbose: 'True' } }), ctx, { phaseKey: 'p', storyKey: 's', position: 0 });
    expect(planned.file?.content).toBe('[DEFAULT]\nverbose = True\n');
    expect(bash(planned.guard as string)).not.toBe(0);
    writeFileSync(path, '[DEFAULT]\nverbose = False\n');
    expect(bash(planned.guard as string)).not.toBe(0);
    writeFileSync(path, planned.file?.content as string);
    expect(bash(planned.guard as string)).toBe(0);
  });

  it('rejects relative paths', () => {
    expect(() => writeFile('etc/hosts', '')).toThrow('file path "etc/hosts" must be absolute');
  });
});
