import { describe, expect, it } from '@jest/globals';
import type { Phase, Runbook } from './model.js';
import { openstackLiberty } from './openstack-liberty/index.js';
import { exampleInventory } from './openstack-liberty/example-inventory.js';
import { PlanError, describePlan, phaseOrder, planDeployment } from './plan.js';
import { generateSecrets } from './secrets.js';
import { command, phase, story } from './steps/index.js';

const inventory = exampleInventory();
const secrets = generateSecrets();

function tinyPhase(key: string, dependsOn: string[]): Phase {
  return phase(key, {
    title: key,
    goal: key,
    dependsOn,
    on: 'controller',
    stories: [
      story('s', {
        title: 's',
        userStory: 'As an operator…',
        acceptanceCriteria: [],
        steps: [command('c', { title: 'c', run: `echo ${key}` })],
      }),
    ],
  });
}

function runbookOf(...phases: Phase[]): Runbook {
  return { key: 'rb', version: '1', title: 'rb', phases };
}

function planError(action: () => unknown): PlanError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(PlanError);
    return error as PlanError;
  }
  throw new Error('expected a PlanError');
}

describe('phaseOrder', () => {
  it('puts every phase of the OpenStack runbook after its dependencies', () => {
    const order = phaseOrder(openstackLiberty).map((p) => p.key);
    expect(order).toHaveLength(11);
    for (const p of openstackLiberty.phases) {
      for (const dependency of p.dependsOn) expect(order.indexOf(dependency)).toBeLessThan(order.indexOf(p.key));
    }
    expect(order.slice(0, 5)).toEqual(['base', 'mariadb', 'rabbitmq', 'keystone', 'glance']);
  });

  it('sorts phases listed before their dependencies', () => {
    const order = phaseOrder(runbookOf(tinyPhase('c', ['b']), tinyPhase('b', ['a']), tinyPhase('a', [])));
    expect(order.map((p) => p.key)).toEqual(['a', 'b', 'c']);
  });

  it('rejects cycles, naming the phases involved', () => {
    const error = planError(() => phaseOrder(runbookOf(tinyPhase('a', []), tinyPhase('b', ['c']), tinyPhase('c', ['b']))));
    expect(error.reasons.join()).toMatch(/cycle.*b → c.*c → b/);
  });

  it('rejects unknown dependencies and duplicate phases', () => {
    const error = planError(() => phaseOrder(runbookOf(tinyPhase('a', ['nope']), tinyPhase('a', []))));
    expect(error.reasons).toEqual(expect.arrayContaining(['phase "a" is defined twice', 'phase "a" depends on unknown phase "nope"']));
  });
});

describe('planDeployment', () => {
  it('plans all eleven phases in topological order', () => {
    const plan = planDeployment(openstackLiberty, inventory, secrets);
    expect(plan.runbookKey).toBe('openstack-liberty');
    expect(plan.phases.map((p) => p.phase.key)).toEqual(phaseOrder(openstackLiberty).map((p) => p.key));
  });

  it('keeps topological order for a selection given out of order and pulls nothing in', () => {
    const plan = planDeployment(openstackLiberty, inventory, secrets, ['glance', 'base', 'keystone']);
    expect(plan.phases.map((p) => p.phase.key)).toEqual(['base', 'keystone', 'glance']);
  });

  it('rejects unknown phase names', () => {
    const error = planError(() => planDeployment(openstackLiberty, inventory, secrets, ['keystone', 'swift']));
    expect(error.reasons).toEqual([expect.stringContaining('unknown phase "swift"')]);
  });

  it('rejects a bad inventory and incomplete secrets before planning anything', () => {
    const bad = exampleInventory();
    bad.nodes[1].managementIp = '300.1.1.1';
    const { NOVA_PASS: _dropped, ...partial } = secrets;
    const error = planError(() => planDeployment(openstackLiberty, bad, partial as typeof secrets));
    expect(error.reasons).toEqual(
      expect.arrayContaining(['nodes[1].managementIp: "300.1.1.1" is not an IPv4 address', 'secrets.NOVA_PASS is missing']),
    );
  });

  it('rejects two steps with the same key in one phase', () => {
    const duplicated = tinyPhase('a', []);
    duplicated.stories[0].steps.push(command('c', { title: 'again', run: 'true' }));
    const error = planError(() => planDeployment(runbookOf(duplicated), inventory, secrets));
    expect(error.reasons).toEqual(['phase "a": step key "c" is used twice']);
  });

  it('fans the base phase out to both nodes and controller phases to the controller only', () => {
    const plan = planDeployment(openstackLiberty, inventory, secrets, ['base', 'keystone']);
    const [base, keystone] = plan.phases;
    expect(base.nodes).toEqual(['linux-node1.example.com', 'linux-node2.example.com']);
    expect(keystone.nodes).toEqual(['linux-node1.example.com']);
    const positions = base.steps.filter((s) => s.node === 'linux-node2.example.com').map((s) => s.position);
    expect(positions).toEqual(positions.map((_, i) => i));
  });

  it('routes a step with an `on` override to that role', () => {
    const p = tinyPhase('a', []);
    p.stories[0].steps.push({ ...command('from-compute', { title: 'c', run: 'true' }), on: 'compute' });
    const plan = planDeployment(runbookOf(p), inventory, secrets);
    expect(plan.phases[0].nodes).toEqual(['linux-node1.example.com', 'linux-node2.example.com']);
    expect(plan.phases[0].steps.find((s) => s.key === 'from-compute')?.node).toBe('linux-node2.example.com');
  });

  it('renders files with their hash, a sha256sum guard and the ownership command', () => {
    const plan = planDeployment(openstackLiberty, inventory, secrets, ['keystone']);
    const conf = plan.phases[0].steps.find((s) => s.file?.path === '/etc/keystone/keystone.conf');
    expect(conf?.file).toMatchObject({ mode: '0640', owner: 'root', group: 'keystone', notify: ['httpd'], language: 'ini' });
    expect(conf?.file?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(conf?.guard).toBe(
      `sha256sum /etc/keystone/keystone.conf 2>/dev/null | grep -q '^${conf?.file?.sha256} ' && [ "$(stat -c '%U:%G %a' /etc/keystone/keystone.conf)" = 'root:keystone 640' ]`,
    );
    // keystone.conf holds the admin token and a database password: no copy of the old one is kept.
    expect(conf?.file?.backup).toBe(false);
    expect(conf?.run).toBe('chown root:keystone /etc/keystone/keystone.conf && chmod 0640 /etc/keystone/keystone.conf');
  });

  it('turns service steps into systemctl commands with an is-active/is-enabled probe', () => {
    const plan = planDeployment(openstackLiberty, inventory, secrets, ['glance']);
    const start = plan.phases[0].steps.find((s) => s.kind === 'service');
    expect(start?.run).toBe(
      'systemctl enable openstack-glance-api openstack-glance-registry && systemctl start openstack-glance-api openstack-glance-registry',
    );
    expect(start?.guard).toContain('systemctl is-active --quiet openstack-glance-registry');
    expect(start?.guard).toContain('systemctl is-enabled --quiet openstack-glance-api');
  });

  it('gives a different plan for different secrets (nothing is cached between environments)', () => {
    const other = generateSecrets();
    const a = planDeployment(openstackLiberty, inventory, secrets, ['keystone']);
    const b = planDeployment(openstackLiberty, inventory, other, ['keystone']);
    const hash = (p: typeof a) => p.phases[0].steps.find((s) => s.file?.path === '/etc/keystone/keystone.conf')?.file?.sha256;
    expect(hash(a)).not.toBe(hash(b));
  });
});

describe('describePlan', () => {
  it('shows every phase and command without any secret value', () => {
    const plan = planDeployment(openstackLiberty, inventory, secrets);
    const text = describePlan(plan, secrets);
    expect(text).toContain('== keystone: Keystone identity service');
    expect(text).toContain('yum install -y openstack-keystone httpd mod_wsgi memcached python-memcached');
    expect(text).toContain('admin_token = ********');
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
  });
});
