/**
 * lab-cloud: the simulated OpenStack Liberty cloud shared by a lab's nodes, and the
 * OpenStack commands (openstack, nova, neutron, glance, *-manage) those nodes run.
 */
import type { CommandRegistry, LabCommandHandler, LabHost } from '../lab-host.js';
import type { Cloud } from './cloud.js';
import { glanceCommand } from './glance-cli.js';
import type { CliContext, CliResult } from './host-port.js';
import { glanceManage, keystoneManage, neutronDbManage, novaManage } from './manage-commands.js';
import { neutronCommand } from './neutron-cli.js';
import { novaCommand } from './nova-cli.js';
import { openstackCommand } from './openstack-cli.js';
import { registerOpenStackServiceRules } from './openstack-service-rules.js';

export { Cloud, createCloud, type CloudOptions } from './cloud.js';
export type { CloudHost } from './host-port.js';
export { OPENSTACK_SERVICE_RULES, registerOpenStackServiceRules } from './openstack-service-rules.js';
export { formatTable, formatRecord } from './table-format.js';

/** The binary each package installs: before `yum install`, bash answers 127 like on a real host. */
const COMMAND_PACKAGES: Record<string, string[]> = {
  openstack: ['python-openstackclient'],
  nova: ['python-novaclient', 'python-openstackclient', 'openstack-nova-common'],
  neutron: ['python-neutronclient', 'python-openstackclient', 'openstack-neutron'],
  glance: ['python-glanceclient', 'python-openstackclient', 'openstack-glance'],
  'keystone-manage': ['openstack-keystone'],
  'glance-manage': ['openstack-glance'],
  'nova-manage': ['openstack-nova-common'],
  'neutron-db-manage': ['openstack-neutron-common', 'openstack-neutron'],
};

/** Every invocation tells the cloud about the node it runs on; and the binary exists only once its package does. */
function onNode(cloud: Cloud, name: string, handler: (args: string[], ctx: CliContext) => Promise<CliResult>): LabCommandHandler {
  return async (args, ctx) => {
    cloud.addHost(ctx.host);
    if (!COMMAND_PACKAGES[name].some((pkg) => ctx.host.packages.has(pkg))) {
      return { stdout: '', stderr: `bash: ${name}: command not found\n`, exitCode: 127 };
    }
    return handler(args, ctx);
  };
}

/** Make the cloud aware of a node: its services, files and MariaDB are then part of the cloud (called by startLab). */
export function attachHost(cloud: Cloud, host: LabHost): void {
  cloud.addHost(host);
}

/**
 * Register the OpenStack CLIs of one lab's cloud and the service start rules.
 * The lab also calls `attachHost` for every node it creates, so services of nodes that
 * never ran an OpenStack command (a compute node) are seen.
 */
export function registerOpenStackCommands(registry: CommandRegistry, cloud: Cloud): void {
  const commands: Record<string, (args: string[], ctx: CliContext) => Promise<CliResult>> = {
    openstack: openstackCommand(cloud),
    nova: novaCommand(cloud),
    neutron: neutronCommand(cloud),
    glance: glanceCommand(cloud),
    'keystone-manage': keystoneManage(cloud),
    'glance-manage': glanceManage(cloud),
    'nova-manage': novaManage(cloud),
    'neutron-db-manage': neutronDbManage(cloud),
  };
  for (const [name, handler] of Object.entries(commands)) registry.register(name, onNode(cloud, name, handler));
  registerOpenStackServiceRules();
}
