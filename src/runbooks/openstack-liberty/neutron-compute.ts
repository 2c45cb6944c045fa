import type { RenderContext } from '../model.js';
import {
  ensureServices,
  expectEveryRow,
  expectRow,
  expectRowCount,
  installPackages,
  phase,
  story,
  verifyTable,
  withAuth,
} from '../steps/index.js';
import { neutronCommonFileSteps, pluginIniLinkStep } from './neutron-conf-steps.js';
import { CONTROLLER_AGENTS } from './neutron-controller.js';
import { computeNovaConfStep } from './nova-conf-steps.js';

/** Seed: "Neutron — 计算节点": the Linux bridge agent on every compute node. */

export const neutronCompute = phase('neutron-compute', {
  title: 'Neutron Linux bridge agent on every compute node',
  goal: 'Every compute node plugs instances into the flat provider network through its own Linux bridge agent, and nova-compute asks Neutron for ports.',
  dependsOn: ['neutron-controller', 'nova-compute'],
  on: 'compute',
  stories: [
    story('install-neutron-compute', {
      title: 'Install and configure the Linux bridge agent',
      userStory:
        "As an operator I want the Neutron Linux bridge agent installed and configured like the controller, bridged to this node's provider interface, so that instances on this node reach the provider network.",
      acceptanceCriteria: [
        'openstack-neutron, openstack-neutron-linuxbridge, ebtables and ipset are installed',
        "neutron.conf and ml2_conf.ini are the controller's; linuxbridge_agent.ini maps the provider physical network to this node's provider interface",
        '/etc/neutron/plugin.ini links to ml2_conf.ini',
      ],
      steps: [
        installPackages('openstack-neutron', 'openstack-neutron-linuxbridge', 'ebtables', 'ipset'),
        ...neutronCommonFileSteps(['neutron-linuxbridge-agent.service']),
        pluginIniLinkStep(),
      ],
    }),
    story('nova-compute-uses-neutron', {
      title: 'Point nova-compute at Neutron',
      userStory:
        "As an operator I want nova-compute's [neutron] section set and nova-compute restarted when it changes so that instances on this node get their ports from Neutron.",
      acceptanceCriteria: [
        'nova.conf [neutron] points at http://<controller>:9696 with the neutron service user of the region',
        'openstack-nova-compute is restarted when nova.conf changed, and is running',
      ],
      // nova.conf carries [neutron] since the Nova compute phase; these steps are "ok" unless it drifted.
      steps: [computeNovaConfStep('nova-conf-neutron'), ensureServices('openstack-nova-compute')],
    }),
    story('start-neutron-compute', {
      title: 'Start the Linux bridge agent and see it from the controller',
      userStory:
        'As an operator I want the Linux bridge agent of every compute node running and alive in `neutron agent-list` on the controller so that I know Neutron can bind ports on every node.',
      acceptanceCriteria: [
        'neutron-linuxbridge-agent is enabled and active on every compute node',
        '`neutron agent-list` on the controller shows a Linux bridge agent alive for every compute node',
        "it lists the controller's three agents plus one per compute node (four with one compute node, as the seed), all alive",
      ],
      steps: [
        ensureServices('neutron-linuxbridge-agent.service'),
        verifyTable('verify-compute-agents', {
          title: 'neutron agent-list shows a Linux bridge agent for every compute node',
          on: 'controller',
          run: (ctx: RenderContext) => withAuth('admin-openrc', ctx, 'neutron agent-list'),
          format: 'table',
          expect: (ctx) => {
            const total = CONTROLLER_AGENTS.length + ctx.computes.length;
            return [
              ...ctx.computes.map((node) =>
                expectRow(
                  { agent_type: 'Linux bridge agent', host: node.name, alive: ':-)', binary: 'neutron-linuxbridge-agent' },
                  `the Linux bridge agent on ${node.name} is alive`,
                ),
              ),
              expectEveryRow({ alive: ':-)', admin_state_up: 'True' }, 'every agent is alive and up'),
              expectRowCount({ min: total, max: total }, `${total} agents: 3 on the controller and one per compute node`),
            ];
          },
          retry: { attempts: 24, intervalMs: 5000 },
        }),
      ],
    }),
  ],
});
