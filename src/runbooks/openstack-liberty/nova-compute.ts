import type { RenderContext, Step } from '../model.js';
import { ensureServices, expectRow, installPackages, phase, story, verifyTable, withAuth } from '../steps/index.js';
import { base } from './base.js';
import { computeNovaConfStep } from './nova-conf-steps.js';

function baseTimeSyncSteps(): Step[] {
  const timeSync = base.stories.find((candidate) => candidate.key === 'time-sync');
  if (!timeSync) throw new Error('the base phase has no time-sync story to reuse');
  return timeSync.steps;
}

/** Seed: "nova计算节点" — nova-compute drives KVM (or QEMU) through libvirt on every compute node. */

export const novaCompute = phase('nova-compute', {
  title: 'Nova compute on every compute node',
  goal: 'Every compute node keeps time with the controller, runs libvirtd and nova-compute, and shows up in `openstack host list` on the controller.',
  dependsOn: ['base', 'nova-controller'],
  on: 'compute',
  stories: [
    story('compute-time-sync', {
      title: 'Keep the compute node in time with the controller',
      userStory:
        'As an operator I want every compute node to take its time from the controller so that tokens and RPC messages are not rejected as expired.',
      acceptanceCriteria: [
        'chrony is installed and /etc/chrony.conf uses `server <controller management IP> iburst`',
        "the time zone is the environment's",
        'chronyd is enabled and running',
      ],
      // The base phase already does this on every node; the seed repeats it for the compute
      // node. Reusing base's very steps keeps both phases writing identical bytes ("ok" here).
      steps: baseTimeSyncSteps(),
    }),
    story('install-nova-compute', {
      title: 'Install and configure nova-compute',
      userStory:
        'As an operator I want nova-compute installed and configured for this node and its CPU so that instances run with KVM when the CPU supports it and with QEMU otherwise.',
      acceptanceCriteria: [
        'openstack-nova-compute is installed',
        "nova.conf has my_ip = the node's management IP, VNC enabled listening on 0.0.0.0 with novncproxy_base_url http://<controller>:6080/vnc_auto.html, and glance host = the controller",
        "libvirt virt_type is kvm when `egrep -c '(vmx|svm)' /proc/cpuinfo` is greater than 0, qemu otherwise",
        'libvirtd and openstack-nova-compute are enabled and running',
      ],
      steps: [
        installPackages('openstack-nova-compute'),
        computeNovaConfStep('nova-conf'),
        ensureServices('libvirtd', 'openstack-nova-compute'),
      ],
    }),
    story('verify-nova-compute', {
      title: 'See every compute node from the controller',
      userStory:
        'As an operator I want the controller to list the compute service of every compute node so that I know the scheduler can place instances on them.',
      acceptanceCriteria: [
        '`openstack host list` on the controller has a compute row in zone nova for every compute node',
        '`nova service-list` shows nova-compute of every compute node enabled and up',
      ],
      steps: [
        verifyTable('verify-compute-hosts', {
          title: 'openstack host list shows nova-compute of every compute node',
          on: 'controller',
          run: (ctx: RenderContext) => withAuth('admin-openrc', ctx, 'openstack host list'),
          format: 'table',
          expect: (ctx) =>
            ctx.computes.map((node) =>
              expectRow({ 'Host Name': node.name, Service: 'compute', Zone: 'nova' }, `nova-compute on ${node.name} reports in`),
            ),
          // nova-compute reports to the conductor some seconds after it starts.
          retry: { attempts: 24, intervalMs: 5000 },
        }),
        verifyTable('verify-compute-services-up', {
          title: 'nova service-list shows nova-compute of every compute node enabled and up',
          on: 'controller',
          run: (ctx: RenderContext) => withAuth('admin-openrc', ctx, 'nova service-list'),
          format: 'table',
          expect: (ctx) =>
            ctx.computes.map((node) =>
              expectRow(
                { Binary: 'nova-compute', Host: node.name, Status: 'enabled', State: 'up' },
                `nova-compute on ${node.name} is enabled and up`,
              ),
            ),
          retry: { attempts: 12, intervalMs: 5000 },
        }),
      ],
    }),
  ],
});
