import { SshExecutor } from '../../src/infra/ssh/ssh-executor.js';
import { openstackLiberty } from '../../src/runbooks/openstack-liberty/index.js';
import { planDeployment } from '../../src/runbooks/plan.js';
import { generateSecrets } from '../../src/runbooks/secrets.js';
import { runPlannedStep } from '../../src/workers/step-runner.js';
import { type Lab, startLab } from '../../lab/nodes/lab.js';
import { labInventory } from '../../lab/nodes/lab-inventory.js';
import { runPlanOnLab } from './support/plan-on-lab.js';

describe('verification-evidence', () => {
  const CONTROLLER = 'linux-node1.example.com';

  /** A verification's evidence is what the host's own client printed, parsed as the seed shows it. */
  describe('show databases on a lab controller', () => {
    let lab: Lab;
    let executor: SshExecutor;

    beforeAll(async () => {
      lab = await startLab({ computeNodes: 1 });
      executor = new SshExecutor({ connectTimeoutMs: 10_000 });
    });
    afterAll(async () => {
      await executor?.closeAll();
      await lab?.stop();
    });

    it('is the table mysql -t draws, with every service database as a row', async () => {
      const plan = planDeployment(openstackLiberty, labInventory(lab), generateSecrets(), ['base', 'mariadb']);
      const run = await runPlanOnLab(lab, plan, executor);
      expect(run.failed).toBeUndefined();
      expect(run.outcomes.get(`mariadb/${CONTROLLER}/verify-databases`)).toBe('ok');

      const step = plan.phases.flatMap((phase) => phase.steps).find((candidate) => candidate.key === 'verify-databases')!;
      const node = lab.nodes.find((candidate) => candidate.name === CONTROLLER)!;
      const session = await executor.session({
        name: node.name,
        host: node.ssh.host,
        port: node.ssh.port,
        username: node.ssh.user,
        privateKey: lab.clientPrivateKey!,
        hostKeyFingerprint: node.ssh.hostKeyFingerprint,
        connectTimeoutMs: 10_000,
      });
      const outcome = await runPlannedStep(step, session, { dryRun: false });
      expect(outcome.commands).toEqual(["mysql --defaults-extra-file=/root/.my.cnf -t -e 'SHOW DATABASES'"]);
      const [evidence] = outcome.artifacts;
      expect(evidence?.content.split('\n').slice(0, 3)).toEqual([
        '+--------------------+',
        '| Database           |',
        '+--------------------+',
      ]);
      expect(evidence?.data?.columns).toEqual(['Database']);
      expect(evidence?.data?.rows.map((row) => row.Database)).toEqual(
        expect.arrayContaining(['cinder', 'glance', 'keystone', 'neutron', 'nova']),
      );
      expect(evidence?.data?.expectations?.every((expectation) => expectation.passed)).toBe(true);
    }, 240_000);
  });
});
