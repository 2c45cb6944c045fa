import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandStep, RenderContext } from '../model.js';
import { exampleInventory } from '../openstack-liberty/example-inventory.js';
import { renderStep } from '../plan-step.js';
import { resolveTemplate } from '../render/template.js';
import { generateSecrets } from '../secrets.js';
import {
  alembicAtHeads,
  createDatabase,
  databaseGrantsSql,
  dbSync,
  installPackages,
  registerService,
  schemaVersionAtLeast,
  writeFile,
  writeIni,
} from './index.js';

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

/** Runs `script` in bash with `prelude` (stub functions) first; returns exit status and output. */
function bashWith(prelude: string, script: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('bash', ['-c', `${prelude}\n${script}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

describe('createDatabase', () => {
  const { run, guard } = render(createDatabase('nova', 'nova', 'NOVA_DBPASS'));

  it("sends the database and both grants (localhost and '%') to mysql on stdin, logged in through root's client file", () => {
    // The stub prints its arguments, then what it read on stdin.
    const seen = bashWith(`mysql() { printf 'ARGS %s\\n' "$*"; cat; }`, run as string).stdout;
    expect(seen).toBe(`ARGS --defaults-extra-file=/root/.my.cnf\n${databaseGrantsSql('nova', 'nova', secrets.NOVA_DBPASS)}\n`);
    expect(seen.split('\n')[0]).not.toContain(secrets.NOVA_DBPASS);
  });

  /** A MariaDB stub: grants as listed, and logins that succeed only with `password` (read from the option file). */
  const mariadb = (grants: string[], password: string) => `
    mysql() {
      case "$1" in --defaults-extra-file=/root/.my.cnf)
        for g in ${grants.map((g) => `"${g}"`).join(' ')}; do printf '%s\\n' "$g"; done; return 0;;
      esac
      grep -qx "password=${password}" "\${1#--defaults-file=}"
    }`;
  const both = ["GRANT ALL PRIVILEGES ON \\`nova\\`.* TO 'nova'@'localhost'", "GRANT ALL PRIVILEGES ON \\`nova\\`.* TO 'nova'@'%'"];

  it('counts as done only when both grants exist and the generated password logs in', () => {
    expect(bashWith(mariadb(both, secrets.NOVA_DBPASS), guard as string).status).toBe(0);
    expect(bashWith(mariadb(both, 'an-older-password'), guard as string).status).not.toBe(0);
    expect(bashWith(mariadb(both.slice(0, 1), secrets.NOVA_DBPASS), guard as string).status).not.toBe(0);
  });

  it('never puts the password in an argument of the probe', () => {
    const argv = bashWith(`mysql() { printf '%s\\n' "$@" >&2; }`, guard as string).stderr;
    expect(argv).not.toContain(secrets.NOVA_DBPASS);
  });

  it('refuses names that are not SQL identifiers', () => {
    expect(() => createDatabase('nova; DROP DATABASE mysql', 'nova', 'NOVA_DBPASS')).toThrow(
      'database name "nova; DROP DATABASE mysql" must be a lower-case identifier',
    );
  });
});

describe('dbSync', () => {
  const step = render(dbSync('keystone', 'keystone-manage db_sync', schemaVersionAtLeast('keystone', 'keystone-manage db_version', 75)));
  /** `su` stub: answers the version command with `version`, or fails like a database not under version control. */
  const su = (version: string | undefined) =>
    `su() { [ "$2" = /bin/sh ] && [ "$5" = keystone ] || return 9; ${version === undefined ? 'echo "not under version control" >&2; return 1' : `echo ${version}`}; }`;

  it('runs the sync as the service user', () => {
    expect(step.run).toBe("su -s /bin/sh -c 'keystone-manage db_sync' keystone");
  });

  it("is done when the schema is at the release's version or later, not when it is older or not versioned", () => {
    expect(bashWith(su('75'), step.guard as string).status).toBe(0);
    expect(bashWith(su('76'), step.guard as string).status).toBe(0);
    expect(bashWith(su('67'), step.guard as string).status).not.toBe(0);
    expect(bashWith(su(undefined), step.guard as string).status).not.toBe(0);
  });

  it('wants every alembic branch at its head', () => {
    const guard = alembicAtHeads('neutron', 'neutron-db-manage current', 2);
    const current = (lines: string[]) => `su() { printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')}; }`;
    expect(
      bashWith(current(['  Running current for neutron ...', '34af2b5c5a59 (head)', '4af11ca47297 (head)', '  OK']), guard).status,
    ).toBe(0);
    expect(bashWith(current(['  Running current for neutron ...', '9859ac9c136', '4af11ca47297 (head)', '  OK']), guard).status).not.toBe(
      0,
    );
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
    expect(user.run).toBe(
      `source /root/admin-openrc.sh && { if openstack user show nova >/dev/null 2>&1; then openstack user set --password ${secrets.NOVA_PASS} nova; else openstack user create --domain default --password ${secrets.NOVA_PASS} nova; fi; }`,
    );
    expect(role.run).toBe('source /root/admin-openrc.sh && openstack role add --project service --user nova admin');
    expect(role.guard).toBe(
      'source /root/admin-openrc.sh && openstack role list --project service --user nova -f value -c Name | grep -qx admin',
    );
    expect(service.run).toBe(
      "source /root/admin-openrc.sh && openstack service create --name nova --description 'OpenStack Compute' compute",
    );
    expect(publicEndpoint.run).toContain(
      "openstack endpoint create --region RegionOne compute public 'http://192.168.56.11:8774/v2/%(tenant_id)s'",
    );
  });

  it('counts the service user as done only when its generated password gets a token, given in OS_PASSWORD rather than as an argument', () => {
    const guard = render(steps[0]).guard as string;
    // The stub authenticates when OS_PASSWORD holds the password; it prints its arguments.
    const keystone = (password: string) => `openstack() { printf '%s\\n' "$@" >&2; [ "$OS_PASSWORD" = '${password}' ]; }`;
    expect(bashWith(keystone(secrets.NOVA_PASS), guard).status).toBe(0);
    expect(bashWith(keystone('rotated-away'), guard).status).not.toBe(0);
    const argv = bashWith(keystone(secrets.NOVA_PASS), guard).stderr;
    expect(argv).toContain('token\nissue');
    expect(argv).toContain('service');
    expect(argv).not.toContain(secrets.NOVA_PASS);
  });

  it('counts an endpoint as done only when it is the one endpoint of its interface and region, with the expected URL', () => {
    const endpoint = render(steps[3]);
    const listing = (urls: string[]) => `source() { :; }; openstack() { printf '%s\\n' ${urls.map((u) => `'${u}'`).join(' ')}; }`;
    const right = 'http://192.168.56.11:8774/v2/%(tenant_id)s';
    expect(bashWith(listing([right]), endpoint.guard as string).status).toBe(0);
    expect(bashWith(listing(['http://10.0.0.9:8774/v2/%(tenant_id)s']), endpoint.guard as string).status).not.toBe(0);
    expect(bashWith(listing([right, 'http://10.0.0.9:8774/v2/%(tenant_id)s']), endpoint.guard as string).status).not.toBe(0);
  });

  it('replaces endpoints with another URL instead of adding one beside them', () => {
    const endpoint = render(steps[3]);
    const calls = bashWith(
      `source() { :; }; openstack() { echo "$*" >&2; case "$1 $2" in 'endpoint list') printf 'e1\\ne2\\n';; 'endpoint delete') echo "deleted $3";; 'endpoint create') echo created;; esac; }`,
      endpoint.run as string,
    ).stdout;
    expect(calls).toBe('deleted e1\ndeleted e2\ncreated\n');
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
    expect(admin.run).toMatch(
      new RegExp(`^export OS_TOKEN=${secrets.ADMIN_TOKEN} OS_URL=http://192\\.168\\.56\\.11:35357/v3 OS_IDENTITY_API_VERSION=3 && \\{ `),
    );
    expect(admin.run).toContain('openstack endpoint create --region RegionOne identity admin http://192.168.56.11:35357/v2.0; }');
  });

  it('refuses a service user without a password secret', () => {
    expect(() => registerService({ name: 'x', type: 'y', description: 'z', port: 1, serviceUser: 'x' })).toThrow(
      'serviceUser and passwordSecret go together',
    );
  });
});

describe('writeFile / writeIni', () => {
  it('gives the planned file a guard that holds exactly when the content, the owner and the mode are already right', () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsprint-file-'));
    const path = join(dir, "glance api's.conf");
    // The test runs as root (like the executor's shell), so root:root is an owner it can give.
    const planned = renderStep(writeIni(path, { DEFAULT: { verbose: 'True' } }, { mode: '0640' }), ctx, {
      phaseKey: 'p',
      storyKey: 's',
      position: 0,
    });
    expect(planned.file?.content).toBe('[DEFAULT]\nverbose = True\n');
    expect(bash(planned.guard as string)).not.toBe(0);
    writeFileSync(path, '[DEFAULT]\nverbose = False\n', { mode: 0o640 });
    expect(bash(planned.guard as string)).not.toBe(0);
    writeFileSync(path, planned.file?.content as string);
    expect(bash(planned.guard as string)).toBe(0);
    chmodSync(path, 0o644);
    expect(bash(planned.guard as string)).not.toBe(0);
    chmodSync(path, 0o640);
    expect(bash(planned.guard as string)).toBe(0);
  });

  it('backs up the previous version only of files that hold no secret', () => {
    const at = { phaseKey: 'p', storyKey: 's', position: 0 };
    expect(renderStep(writeFile('/etc/hosts', 'x\n'), ctx, at).file?.backup).toBe(true);
    expect(
      renderStep(
        writeFile('/etc/x.conf', (c) => `password = ${c.secrets.NOVA_PASS}\n`),
        ctx,
        at,
      ).file?.backup,
    ).toBe(false);
  });

  it('rejects relative paths', () => {
    expect(() => writeFile('etc/hosts', '')).toThrow('file path "etc/hosts" must be absolute');
  });
});
