import { SshExecutor } from '../../src/infra/ssh/ssh-executor.js';
import type { DeploymentPlan, Inventory, Secrets } from '../../src/runbooks/model.js';
import { openstackLiberty } from '../../src/runbooks/openstack-liberty/index.js';
import { planDeployment } from '../../src/runbooks/plan.js';
import { generateSecrets } from '../../src/runbooks/secrets.js';
import { startLab, type Lab } from '../../lab/nodes/lab.js';
import { labInventory } from '../../lab/nodes/lab-inventory.js';
import { runPlanOnLab, withFileEdited, withFileMode, withoutStory, withStep } from './support/plan-on-lab.js';

describe('strict-lab', () => {
  /**
   * The lab exists to fail a runbook wherever a real minimal CentOS 7 host would. Each rule of its
   * strictness is shown here with a runbook that breaks it (the real one, changed in one place) and
   * the step where the deployment then fails, with what the host says.
   */

  const CONTROLLER = 'linux-node1.example.com';
  const COMPUTE = 'linux-node2.example.com';

  function plan(inventory: Inventory, secrets: Secrets, phases?: string[]): DeploymentPlan {
    return planDeployment(openstackLiberty, inventory, secrets, phases);
  }

  describe('a fresh minimal CentOS 7 node', () => {
    let lab: Lab;
    let executor: SshExecutor;
    const secrets = generateSecrets();

    beforeEach(async () => {
      lab = await startLab({ computeNodes: 1 });
      executor = new SshExecutor({ connectTimeoutMs: 10_000 });
    });
    afterEach(async () => {
      await executor.closeAll();
      await lab.stop();
    });

    it("cannot install from the distribution's repositories: mirrorlist.centos.org is gone", async () => {
      const base = withoutStory(plan(labInventory(lab), secrets, ['base']), 'package-repositories');
      const { failed } = await runPlanOnLab(lab, base, executor);
      // iproute and curl come with the minimal install; the first package it needs to download fails.
      expect(failed).toMatchObject({ key: 'install-python-openstackclient', node: CONTROLLER });
      expect(failed?.output).toContain('Could not resolve host: mirrorlist.centos.org');
      expect(failed?.output).toContain('Cannot find a valid baseurl for repo: base/7/x86_64');
    });

    it("cannot install EPEL from the seed's release URL, gone for years", async () => {
      const base = withStep(plan(labInventory(lab), secrets, ['base']), 'install-python-openstackclient', (step) => ({
        ...step,
        run: 'yum install -y http://dl.fedoraproject.org/pub/epel/7/x86_64/e/epel-release-7-5.noarch.rpm',
        guard: 'rpm -q epel-release',
      }));
      const { failed } = await runPlanOnLab(lab, base, executor);
      expect(failed).toMatchObject({ key: 'install-python-openstackclient' });
      expect(failed?.output).toContain(
        'Cannot open: http://dl.fedoraproject.org/pub/epel/7/x86_64/e/epel-release-7-5.noarch.rpm. Skipping.',
      );
    });

    it("breaks yum with the seed's centos-release-openstack-liberty, whose repository on mirror.centos.org is gone", async () => {
      const base = withStep(plan(labInventory(lab), secrets, ['base']), 'install-python-openstackclient', (step) => ({
        ...step,
        run: 'yum install -y centos-release-openstack-liberty && yum install -y python-openstackclient',
      }));
      const { failed } = await runPlanOnLab(lab, base, executor);
      expect(failed).toMatchObject({ key: 'install-python-openstackclient' });
      expect(failed?.output).toContain('failure: repodata/repomd.xml from centos-openstack-liberty');
      expect(failed?.output).toContain('404 - Not Found');
    });

    it('stops at the repository check, naming the repository, when a setting points at a tree without Liberty', async () => {
      const inventory = labInventory(lab);
      inventory.network.repositories = [
        {
          id: 'base',
          name: 'Base',
          baseUrl: 'https://vault.centos.org/7.9.2009/os/$basearch/',
          gpgKey: 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7',
        },
        { id: 'liberty', name: 'Liberty', baseUrl: 'https://vault.centos.org/7.9.2009/cloud/$basearch/openstack-liberty/' },
      ];
      const { failed } = await runPlanOnLab(lab, plan(inventory, secrets, ['base']), executor);
      expect(failed).toMatchObject({ key: 'repositories-reachable' });
      expect(failed?.output).toContain('failure: repodata/repomd.xml from liberty: [Errno 256] No more mirrors to try.');
    });

    it('refuses packages of a signed repository whose key cannot be fetched', async () => {
      const inventory = labInventory(lab);
      inventory.network.repositories = [
        {
          id: 'base',
          name: 'Base',
          baseUrl: 'https://vault.centos.org/7.9.2009/os/$basearch/',
          gpgKey: 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-7',
        },
        {
          id: 'liberty',
          name: 'Liberty',
          baseUrl: 'https://vault.centos.org/7.3.1611/cloud/$basearch/openstack-liberty/',
          gpgKey: 'file:///etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-SIG-Cloud',
        },
      ];
      const { failed } = await runPlanOnLab(lab, plan(inventory, secrets, ['base']), executor);
      expect(failed).toMatchObject({ key: 'install-python-openstackclient' });
      expect(failed?.output).toContain(
        `GPG key retrieval failed: [Errno 14] curl#37 - "Couldn't open file /etc/pki/rpm-gpg/RPM-GPG-KEY-CentOS-SIG-Cloud"`,
      );
    });
  });

  describe('a deployed cloud, given a runbook wrong in one place', () => {
    let lab: Lab;
    let executor: SshExecutor;
    let inventory: Inventory;
    const secrets = generateSecrets();
    const deleteInstances = () => {
      for (const instance of [...lab.cloud.nova.instances.values()]) lab.cloud.deleteInstance(instance);
    };

    beforeAll(async () => {
      lab = await startLab({ computeNodes: 1 });
      executor = new SshExecutor({ connectTimeoutMs: 10_000 });
      inventory = labInventory(lab);
      const first = await runPlanOnLab(lab, plan(inventory, secrets), executor);
      expect(first.failed).toBeUndefined();
    }, 300_000);
    afterAll(async () => {
      await executor?.closeAll();
      await lab?.stop();
    });

    it('removes the copies of secret-bearing files that earlier versions left beside them in /etc', async () => {
      const fs = lab.hosts.get(CONTROLLER)!.fs;
      await fs.writeFile('/etc/keystone/keystone.conf.opsprint-20261127T033800123Z.bak', `admin_token = ${secrets.ADMIN_TOKEN}\n`);
      const run = await runPlanOnLab(lab, plan(inventory, secrets, ['base']), executor);
      expect(run.failed).toBeUndefined();
      expect(run.outcomes.get(`base/${CONTROLLER}/remove-earlier-backups`)).toBe('changed');
      expect(await fs.exists('/etc/keystone/keystone.conf.opsprint-20261127T033800123Z.bak')).toBe(false);
      expect(run.outcomes.get(`base/${COMPUTE}/remove-earlier-backups`)).toBe('ok');
    }, 120_000);

    interface Case {
      phases: string[];
      wrong: (plan: DeploymentPlan) => DeploymentPlan;
      before?: () => void | Promise<void>;
      step: string;
      says: string | RegExp;
    }

    const cases: Record<string, Case> = {
      'checks ports with netstat, which a minimal install lacks (net-tools)': {
        phases: ['rabbitmq'],
        wrong: (p) => withStep(p, 'verify-amqp-port', (step) => ({ ...step, run: 'netstat -lntup' })),
        step: 'verify-amqp-port',
        says: 'netstat: command not found',
      },
      'downloads the image with wget, which a minimal install lacks': {
        phases: ['glance'],
        before: () => lab.hosts.get(CONTROLLER)!.fs.rm('/server/tools', { recursive: true, force: true }),
        wrong: (p) =>
          withStep(p, 'download-cirros', (step) => ({
            ...step,
            run: `mkdir -p /server/tools && wget -q -O /server/tools/cirros-0.3.4-x86_64-disk.img ${inventory.network.imageUrl}`,
          })),
        step: 'download-cirros',
        says: 'wget: command not found',
      },
      "gives Glance's [keystone_authtoken] a wrong password": {
        phases: ['glance'],
        wrong: (p) =>
          withFileEdited(p, '/etc/glance/glance-api.conf', (c) => c.replace(`password = ${secrets.GLANCE_PASS}`, 'password = wrong')),
        step: 'create-cirros-image',
        says: 'HTTP 401',
      },
      "gives Glance's database connection a wrong password": {
        phases: ['glance'],
        wrong: (p) =>
          withFileEdited(p, '/etc/glance/glance-api.conf', (c) => c.replace(`glance:${secrets.GLANCE_DBPASS}@`, 'glance:wrong@')),
        step: 'create-cirros-image',
        says: 'HTTP 500',
      },
      "gives Nova's [keystone_authtoken] a wrong password": {
        phases: ['nova-controller'],
        wrong: (p) => withFileEdited(p, '/etc/nova/nova.conf', (c) => c.replace(`password = ${secrets.NOVA_PASS}`, 'password = wrong')),
        step: 'verify-controller-hosts',
        says: 'HTTP 401',
      },
      "gives Neutron's [keystone_authtoken] a wrong password": {
        phases: ['neutron-controller'],
        wrong: (p) =>
          withFileEdited(
            p,
            '/etc/neutron/neutron.conf',
            (c) => c.replace(`password = ${secrets.NEUTRON_PASS}`, 'password = wrong'),
            CONTROLLER,
          ),
        step: 'verify-controller-agents',
        says: '401',
      },
      "gives the compute node's Nova [neutron] a wrong password (the port is never bound)": {
        phases: ['nova-compute', 'neutron-compute', 'first-instance'],
        before: deleteInstances,
        wrong: (p) =>
          ['nova-conf', 'nova-conf-neutron'].reduce(
            (changed, key) =>
              withStep(changed, key, (step) =>
                step.node === COMPUTE
                  ? { ...step, run: step.run!.replaceAll(`password = ${secrets.NEUTRON_PASS}`, 'password = wrong'), guard: 'false' }
                  : step,
              ),
            p,
          ),
        step: 'verify-instance-active',
        says: /hello-instance +\| ERROR/,
      },
      "gives Neutron's [nova] a wrong password (the VIF is never reported plugged)": {
        phases: ['neutron-controller', 'first-instance'],
        before: deleteInstances,
        wrong: (p) =>
          withFileEdited(
            p,
            '/etc/neutron/neutron.conf',
            (c) => c.replace(`password = ${secrets.NOVA_PASS}`, 'password = wrong'),
            CONTROLLER,
          ),
        step: 'verify-instance-active',
        says: /hello-instance +\| ERROR/,
      },
      "gives the metadata agent another shared secret than Nova's": {
        phases: ['neutron-controller', 'first-instance'],
        wrong: (p) => withFileEdited(p, '/etc/neutron/metadata_agent.ini', (c) => c.replace(secrets.METADATA_SECRET, 'another-secret')),
        step: 'verify-instance-metadata',
        says: '| metadata | unreachable |',
      },
      "gives the compute node's Nova a wrong RabbitMQ password": {
        phases: ['nova-compute'],
        wrong: (p) =>
          withStep(p, 'nova-conf', (step) => ({
            ...step,
            run: step.run!.replaceAll(`rabbit_password = ${secrets.RABBIT_PASS}`, 'rabbit_password = wrong'),
            guard: 'false',
          })),
        step: 'verify-compute-services-up',
        says: /nova-compute +\| linux-node2\.example\.com .*\| down/,
      },
      'leaves keystone.conf root:root 0600, unreadable by Keystone under httpd': {
        phases: ['keystone'],
        wrong: (p) => withFileMode(p, '/etc/keystone/keystone.conf', 'root', 'root', '0600'),
        // keystone-manage, run as keystone like Keystone itself, is the first to read it.
        step: 'db-sync-keystone',
        says: 'ConfigFilesPermissionDeniedError: Failed to open some config files: /etc/keystone/keystone.conf',
      },
      'leaves glance-api.conf root:root 0600, unreadable by glance-api': {
        phases: ['glance'],
        wrong: (p) => withFileMode(p, '/etc/glance/glance-api.conf', 'root', 'root', '0600'),
        step: 'file-etc-glance-glance-api-conf',
        says: 'Job for openstack-glance-api.service failed',
      },
    };

    it.each(Object.entries(cases))(
      'fails when it %s, and the right runbook repairs it',
      async (_case, { phases, wrong, before, step, says }) => {
        await before?.();
        const broken = await runPlanOnLab(lab, wrong(plan(inventory, secrets, phases)), executor);
        expect(broken.failed?.key).toBe(step);
        if (typeof says === 'string') expect(broken.failed?.output).toContain(says);
        else expect(broken.failed?.output).toMatch(says);

        const repaired = await runPlanOnLab(lab, plan(inventory, secrets, phases), executor);
        expect(repaired.failed).toBeUndefined();
      },
      120_000,
    );
  });
});
